import type { Json } from '../../model/json.js';
import { problem, ProblemError } from '../../model/problems.js';
import type { ContainerRequest } from '../effects.js';

/** A container CLI found on this machine. Podman accepts every `docker run` flag used here. */
export interface ContainerRuntime {
  readonly kind: 'docker' | 'podman';
  /** Absolute path of the CLI. */
  readonly path: string;
}

/** DSL `pullPolicy` → the value of `--pull` (the same words for docker ≥ 20.10 and podman). */
const pullFlags = { ifNotPresent: 'missing', always: 'always', never: 'never' } as const;

/**
 * The arguments of `<runtime> run` for a `run: container` task (DSL 1.0.3 "Container Process"):
 *
 * - `cleanup: always` → `--rm`; `never` (the default) keeps the container; `eventually` also keeps it: removing it
 *   after `lifetime.after` is the runtime's job (it knows the name and the deadline), not this one-shot CLI call's.
 * - `stdin` → `-i` (only when there is stdin to attach).
 * - `environment` → `-e NAME` per variable, *without* the value: the CLI copies the value from its own environment,
 *   where `runContainer` puts it, so secrets never show in the process list.
 * - `ports` `{ host: container }` → `-p host:container`; `volumes` `{ host: container }` → `-v host:container`.
 *   Keys are what the engine's host exposes or mounts, values where the container sees it (Synapse's reading).
 * - `pullPolicy` `ifNotPresent` (default) | `always` | `never` → `--pull=missing|always|never`.
 * - `command` runs as a shell script: `--entrypoint /bin/sh image -c <command> sh <arguments…>`, so `$1` is the first
 *   argument and `$(cat)` reads stdin, as the spec's run-container-stdin-and-arguments example expects; the image
 *   needs `/bin/sh`. Without `command`, `arguments` follow the image and replace its default CMD.
 *
 * @throws ProblemError `configuration` for an empty image, an environment name that is empty or holds `=`, or a
 *   port/volume value that is neither a string nor a number.
 */
export function containerRunArguments(request: ContainerRequest, runtime: ContainerRuntime): string[] {
  if (request.image.trim() === '') throw configuration('the container image is empty');
  const args = ['run'];
  if ((request.cleanup ?? 'never') === 'always') args.push('--rm');
  if (request.stdin !== undefined) args.push('-i');
  if (request.name !== undefined && request.name !== '') args.push('--name', request.name);
  for (const name of Object.keys(request.environment)) {
    if (name === '' || name.includes('=')) {
      throw configuration(
        `container environment variable name '${name}' is invalid: it must be non-empty, without '='`,
      );
    }
    args.push('-e', name);
  }
  for (const [host, container] of Object.entries(request.ports ?? {})) {
    args.push('-p', `${host}:${mappingValue('ports', host, container)}`);
  }
  for (const [host, container] of Object.entries(request.volumes ?? {})) {
    args.push('-v', `${host}:${mappingValue('volumes', host, container)}`);
  }
  args.push(`--pull=${pullFlags[request.pullPolicy ?? 'ifNotPresent']}`);
  if (request.command !== undefined && request.command !== '') {
    args.push('--entrypoint', '/bin/sh', request.image, '-c', request.command, 'sh', ...request.arguments);
  } else {
    args.push(request.image, ...request.arguments);
  }
  // `runtime` is part of the signature so that a flag one CLI lacks can be mapped here; none differs today.
  void runtime;
  return args;
}

function mappingValue(field: 'ports' | 'volumes', key: string, value: Json | undefined): string {
  if (typeof value === 'number' || (typeof value === 'string' && value !== '')) return String(value);
  throw configuration(
    `container ${field}['${key}'] must be a string or a number (the path or port inside the container); ` +
      `found ${value === undefined ? 'nothing' : JSON.stringify(value)}`,
  );
}

function configuration(detail: string): ProblemError {
  return new ProblemError(problem('configuration', { detail }));
}
