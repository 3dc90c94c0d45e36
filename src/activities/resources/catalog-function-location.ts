import { join } from 'node:path';
import { problem, ProblemError } from '../../model/problems.js';
import { rawContentUrl } from './raw-content-url.js';

/**
 * Where a catalog keeps function `name` at `version`: `<endpoint>/functions/<name>/<version>/function.yaml`, the
 * layout of the Serverless Workflow catalog repository (DSL 1.0.3 "Catalogs › File Structure").
 *
 * An `http(s)` endpoint on GitHub or GitLab is first turned into its raw-content root (`rawContentUrl`), so
 * `https://github.com/serverlessworkflow/catalog/tree/main` resolves `log:1.0.0` to
 * `https://raw.githubusercontent.com/serverlessworkflow/catalog/refs/heads/main/functions/log/1.0.0/function.yaml`.
 * A `file://` endpoint stays a URL; any other endpoint is a folder path (relative ones are resolved by the reader).
 *
 * The reserved catalog name `default` never reaches here: the runtime decides which endpoint it stands for.
 *
 * @throws ProblemError `configuration` for an empty endpoint, or a name or version that is empty or would leave its
 *   folder (`/`, `\`, `.`, `..`), e.g. `../../etc/passwd:1`.
 */
export function catalogFunctionLocation(endpoint: string, name: string, version: string): string {
  if (endpoint.trim() === '') throw configuration('the catalog endpoint is empty');
  checkSegment('name', name);
  checkSegment('version', version);
  const relative = ['functions', name, version, 'function.yaml'];
  if (/^(https?|file):/i.test(endpoint)) {
    const root = rawContentUrl(endpoint);
    const url = new URL(root);
    // The root is a folder: without a trailing slash, resolving against it would replace its last segment.
    if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
    return new URL(relative.map(encodeURIComponent).join('/'), url).href;
  }
  return join(endpoint, ...relative);
}

function checkSegment(field: 'name' | 'version', value: string): void {
  if (value === '' || value === '.' || value === '..' || /[/\\]/.test(value)) {
    throw configuration(
      `catalog function ${field} '${value}' is invalid: ` +
        "expected a non-empty folder name without '/', '\\', '.' or '..'",
    );
  }
}

function configuration(detail: string): ProblemError {
  return new ProblemError(problem('configuration', { detail }));
}
