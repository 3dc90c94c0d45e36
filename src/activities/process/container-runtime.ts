import { basename } from 'node:path';
import { problem, ProblemError } from '../../model/problems.js';
import type { ContainerRuntime } from './container-run-arguments.js';
import { findExecutable } from './find-executable.js';

/**
 * Variables the container CLI itself reads (daemon address, context, config and TLS files; rootless podman's
 * runtime dir). They reach the CLI only, never the container: the container gets only what `-e NAME` forwards.
 */
export const CONTAINER_CLI_VARIABLES = [
  'DOCKER_HOST',
  'DOCKER_CONTEXT',
  'DOCKER_CONFIG',
  'DOCKER_CERT_PATH',
  'DOCKER_TLS_VERIFY',
  'CONTAINER_HOST',
  'CONTAINERS_CONF',
  'XDG_RUNTIME_DIR',
] as const;

const AUTODETECTED = ['docker', 'podman'] as const;

/**
 * Finds the container CLI: the configured one (a name looked up on `searchPath`, or a path), else `docker`, else
 * `podman` on `searchPath`. A CLI named like neither (e.g. `nerdctl`) is driven as docker, whose flags it mimics.
 *
 * @throws ProblemError `configuration` when none is found.
 */
export async function resolveContainerRuntime(
  configured: string | undefined,
  searchPath: string,
): Promise<ContainerRuntime> {
  const candidates = configured === undefined ? AUTODETECTED : [configured];
  for (const candidate of candidates) {
    const path = await findExecutable(candidate, searchPath);
    if (path !== undefined) return { kind: basename(path).includes('podman') ? 'podman' : 'docker', path };
  }
  throw new ProblemError(
    problem('configuration', {
      detail:
        configured === undefined
          ? 'no container runtime was found: install docker or podman, or set the containerRuntime option to ' +
            'the path of a docker-compatible CLI (searched PATH for docker and podman)'
          : `the configured container runtime '${configured}' was not found or is not executable`,
    }),
  );
}
