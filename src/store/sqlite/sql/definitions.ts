import type { Database, Statement } from 'better-sqlite3';
import type { StoredDefinition } from '../../store.js';

export interface DefinitionStatements {
  readonly insert: Statement<StoredDefinition>;
  readonly get: Statement<[string], StoredDefinition>;
  list(filter: { namespace?: string; name?: string }): StoredDefinition[];
}

/** Definitions by hash: insert-once, get, list by namespace and name. */
export function prepareDefinitionStatements(db: Database): DefinitionStatements {
  const lists = new Map<string, Statement<Record<string, string>, StoredDefinition>>();
  const prepareList = (where: string): Statement<Record<string, string>, StoredDefinition> =>
    db.prepare<Record<string, string>, StoredDefinition>(
      `SELECT hash, namespace, name, version, source FROM definitions ${where} ORDER BY rowid`,
    );
  return {
    /** The first stored version of a hash wins; the hash names the content, so a second put changes nothing. */
    insert: db.prepare<StoredDefinition>(
      `INSERT INTO definitions (hash, namespace, name, version, source)
       VALUES (@hash, @namespace, @name, @version, @source)
       ON CONFLICT (hash) DO NOTHING`,
    ),
    get: db.prepare<[string], StoredDefinition>('SELECT hash, namespace, name, version, source FROM definitions WHERE hash = ?'),
    list(filter: { namespace?: string; name?: string }): StoredDefinition[] {
      const params: Record<string, string> = {};
      if (filter.namespace !== undefined) params['namespace'] = filter.namespace;
      if (filter.name !== undefined) params['name'] = filter.name;
      const where = Object.keys(params).map((column) => `${column} = @${column}`).join(' AND ');
      const key = where === '' ? '' : `WHERE ${where}`;
      let statement = lists.get(key);
      if (statement === undefined) lists.set(key, (statement = prepareList(key)));
      return statement.all(params);
    },
  };
}
