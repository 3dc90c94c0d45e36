/**
 * Rewrites a GitHub or GitLab web URL into the URL of the raw file content, as catalogs require (DSL 1.0.3
 * "Catalogs › File Structure": runtimes are expected to resolve the raw machine-readable documents). Any other URL
 * is returned unchanged. Rules:
 *
 * - `https://github.com/o/r/tree/<ref>/<path>` (or `/blob/`) →
 *   `https://raw.githubusercontent.com/o/r/refs/heads/<ref>/<path>`, the spec's own example; a 40-hex `<ref>` is a
 *   commit and is kept bare.
 * - `https://github.com/o/r` (a repository root, with or without `.git`) →
 *   `https://raw.githubusercontent.com/o/r/HEAD`, which GitHub serves from the default branch: the spec's catalog
 *   examples use bare repository URLs.
 * - `https://<host>/<group…>/<project>/-/tree/<ref>/<path>` (or `/-/blob/`) → `…/-/raw/<ref>/<path>`, on any host
 *   (the `/-/` marker is GitLab's, so self-hosted instances work); a `https://gitlab.com/<group…>/<project>` root →
 *   `…/-/raw/HEAD`.
 *
 * A branch whose name holds `/` cannot be told apart from the path that follows it in a tree URL: the first segment
 * is taken as the ref, as GitHub's own short links do. Query strings are kept; fragments are dropped.
 */
export function rawContentUrl(uri: string): string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return uri;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return uri;
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  const rewritten =
    url.hostname === 'github.com' || url.hostname === 'www.github.com'
      ? githubRaw(segments)
      : gitlabRaw(url, segments);
  if (rewritten === undefined) return uri;
  return `${rewritten}${url.search}`;
}

function githubRaw(segments: readonly string[]): string | undefined {
  const [owner, repository, marker, ref, ...path] = segments;
  if (owner === undefined || repository === undefined) return undefined;
  const root = `https://raw.githubusercontent.com/${owner}/${repository.replace(/\.git$/, '')}`;
  if (marker === undefined) return `${root}/HEAD`;
  if ((marker !== 'tree' && marker !== 'blob') || ref === undefined) return undefined;
  const pinned = /^[0-9a-f]{40}$/i.test(ref) ? ref : `refs/heads/${ref}`;
  return [root, pinned, ...path].join('/');
}

function gitlabRaw(url: URL, segments: readonly string[]): string | undefined {
  const dash = segments.indexOf('-');
  if (dash === -1) {
    if (url.hostname !== 'gitlab.com' || segments.length < 2) return undefined;
    const project = segments.map((segment, index) =>
      index === segments.length - 1 ? segment.replace(/\.git$/, '') : segment,
    );
    return `${url.origin}/${project.join('/')}/-/raw/HEAD`;
  }
  const [marker, ref, ...path] = segments.slice(dash + 1);
  if ((marker !== 'tree' && marker !== 'blob') || ref === undefined || dash < 2) return undefined;
  return [url.origin, ...segments.slice(0, dash), '-', 'raw', ref, ...path].join('/');
}
