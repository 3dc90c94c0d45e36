import { quote } from '../serverless/schema-descriptions.js';
import { childPointer } from '../../model/task-ref.js';
import type { IrReader, ValueReader } from './ir-reader.js';
import { U32_MAX, durationReader } from './ir-values.js';
import { type RetryPolicy, irDurationMs } from './workflow-ir.js';

const FIELDS = ['initial_interval', 'backoff_coefficient', 'maximum_interval', 'maximum_attempts', 'non_retryable_errors'];

/**
 * A `RetryPolicy`. Serde requires every field but `maximum_interval`; `.kotoba` only `initial_interval` (the seed's
 * parser silently dropped a policy without it; here that is a problem), with the seed's defaults: coefficient 2,
 * 3 attempts, no non-retryable errors. Numbers that cannot describe a retry are problems under `checks: 'all'`.
 */
export function retryPolicyReader(reader: IrReader): ValueReader<RetryPolicy> {
  const duration = durationReader(reader);
  return (value, pointer) => {
    const object = reader.object(value, pointer, `a retry policy (an object with ${FIELDS.join(', ')})`);
    if (object === undefined) return undefined;
    reader.allowOnly(object, pointer, FIELDS);
    const initialInterval = reader.required(object, pointer, 'initial_interval', duration);
    const backoffCoefficient = reader.defaulted(object, pointer, 'backoff_coefficient', reader.number, { isRequiredIn: 'serde', fallback: 2 });
    const maximumInterval = reader.optional(object, pointer, 'maximum_interval', duration);
    const maximumAttempts = reader.defaulted(object, pointer, 'maximum_attempts', reader.integer(0, U32_MAX), { isRequiredIn: 'serde', fallback: 3 });
    const nonRetryableErrors = reader.defaulted(object, pointer, 'non_retryable_errors', reader.array(reader.string), {
      isRequiredIn: 'serde',
      fallback: [],
    });
    if (initialInterval === undefined || backoffCoefficient === undefined || maximumAttempts === undefined || nonRetryableErrors === undefined) {
      return undefined;
    }
    if (backoffCoefficient < 1) {
      const expected = 'a backoff coefficient of at least 1 (intervals must not shrink)';
      reader.check({ pointer: childPointer(pointer, 'backoff_coefficient'), message: `expected ${expected}, found ${backoffCoefficient}`, expected, found: String(backoffCoefficient) });
    }
    if (maximumAttempts < 1) {
      const expected = 'at least 1 attempt (the first attempt counts)';
      reader.check({ pointer: childPointer(pointer, 'maximum_attempts'), message: `expected ${expected}, found ${maximumAttempts}`, expected, found: String(maximumAttempts) });
    }
    if (maximumInterval !== undefined && irDurationMs(maximumInterval) < irDurationMs(initialInterval)) {
      const expected = 'a maximum interval no shorter than initial_interval';
      const found = `${irDurationMs(maximumInterval)} ms < ${irDurationMs(initialInterval)} ms`;
      reader.check({ pointer: childPointer(pointer, 'maximum_interval'), message: `expected ${expected}, found ${found}`, expected, found });
    }
    nonRetryableErrors.forEach((text, index) => {
      if (text !== '') return;
      // The seed matches by "message contains": an empty string would make every error non-retryable.
      const expected = 'a non-empty error name, code or message part';
      reader.check({ pointer: childPointer(pointer, 'non_retryable_errors', index), message: `expected ${expected}, found ${quote(text)} (it would match every error)`, expected, found: quote(text) });
    });
    return {
      initialInterval,
      backoffCoefficient,
      ...(maximumInterval === undefined ? {} : { maximumInterval }),
      maximumAttempts,
      nonRetryableErrors,
    };
  };
}
