import type { Json } from './json.js';

/** A CloudEvents 1.0 event in its JSON form (structured mode). Extension attributes sit beside the standard ones. */
export interface CloudEvent {
  specversion: string;
  id: string;
  source: string;
  type: string;
  time?: string;
  subject?: string;
  datacontenttype?: string;
  dataschema?: string;
  data?: Json;
  [extension: string]: Json | undefined;
}

/**
 * The type of the CloudEvent a signal is read as (`engine.signal(id, name, payload)`): `subject` is the signal's
 * name, `data` its payload. A `listen` whose filters all ask for this type waits on the execution's own signal
 * mailbox (buffered: a signal sent before the wait is reached is not lost) instead of the published events.
 */
export const SIGNAL_EVENT_TYPE = 'io.itonami.signal';

/** What a publisher gives: `id`, `time` and `specversion` are filled in when missing. */
export type CloudEventInput = Omit<CloudEvent, 'id' | 'specversion'> & { id?: string; specversion?: string };

const ATTRIBUTE_NAME = /^[a-z0-9]{1,20}$/;

/**
 * Checks a CloudEvent's required attributes and attribute names (CloudEvents 1.0 §3). Returns the problems found,
 * empty when valid.
 */
export function cloudEventProblems(event: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const name of ['id', 'source', 'type', 'specversion']) {
    const value = event[name];
    if (typeof value !== 'string' || value === '') problems.push(`'${name}' must be a non-empty string`);
  }
  if (event['specversion'] !== undefined && event['specversion'] !== '1.0') {
    problems.push(`'specversion' must be '1.0', found ${JSON.stringify(event['specversion'])}`);
  }
  for (const name of Object.keys(event)) {
    if (name !== 'data' && name !== 'data_base64' && !ATTRIBUTE_NAME.test(name)) {
      problems.push(`attribute name '${name}' must be 1-20 lowercase letters or digits`);
    }
  }
  return problems;
}
