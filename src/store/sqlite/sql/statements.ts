import type { Database } from 'better-sqlite3';
import { prepareBlobStatements, type BlobStatements } from './blobs.js';
import { prepareClaimStatements, type ClaimStatements } from './claims.js';
import { prepareDefinitionStatements, type DefinitionStatements } from './definitions.js';
import { prepareEventStatements, type EventStatements } from './events.js';
import { prepareExecutionStatements, type ExecutionStatements } from './executions.js';
import { prepareInboxStatements, type InboxStatements } from './inbox.js';
import { prepareReplayCheckpointStatements, type ReplayCheckpointStatements } from './replay-checkpoints.js';
import { prepareScheduleStatements, type ScheduleStatements } from './schedules.js';
import { prepareSignalStatements, type SignalStatements } from './signals.js';
import { prepareSnapshotStatements, type SnapshotStatements } from './snapshots.js';

/** Every statement the store runs, by table group. */
export interface Statements {
  readonly definitions: DefinitionStatements;
  readonly executions: ExecutionStatements;
  readonly events: EventStatements;
  readonly blobs: BlobStatements;
  readonly claims: ClaimStatements;
  readonly snapshots: SnapshotStatements;
  readonly replayCheckpoints: ReplayCheckpointStatements;
  readonly inbox: InboxStatements;
  readonly schedules: ScheduleStatements;
  readonly signals: SignalStatements;
}

/** Prepares every statement once per connection. */
export function prepareStatements(db: Database): Statements {
  return {
    definitions: prepareDefinitionStatements(db),
    executions: prepareExecutionStatements(db),
    events: prepareEventStatements(db),
    blobs: prepareBlobStatements(db),
    claims: prepareClaimStatements(db),
    snapshots: prepareSnapshotStatements(db),
    replayCheckpoints: prepareReplayCheckpointStatements(db),
    inbox: prepareInboxStatements(db),
    schedules: prepareScheduleStatements(db),
    signals: prepareSignalStatements(db),
  };
}
