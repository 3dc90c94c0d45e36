import { createHash } from 'node:crypto';
import { canonicalJson } from '../../model/canonical-json.js';
import type { Json } from '../../model/json.js';

/**
 * A definition's id: hex SHA-256 of the RFC 8785 canonical JSON of the document as parsed, before any
 * normalisation. Key order, whitespace, comments and YAML-versus-JSON spelling do not change it; any change of
 * meaning does. Throws `CanonicalJsonError` on a value JSON cannot carry (loadDefinition checks that first).
 */
export function definitionHash(document: Json): string {
  return createHash('sha256').update(canonicalJson(document), 'utf8').digest('hex');
}
