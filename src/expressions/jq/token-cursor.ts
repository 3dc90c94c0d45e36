import { JqSyntaxError } from './errors.js';
import { describeToken, type Token, tokenize } from './lexer.js';

/**
 * The parser's view of the tokens: one token of lookahead (two for `@fmt "…"`), and jq-style syntax errors at a
 * token's position (`syntax error, unexpected FIELD at line 1, column 3`). Consuming an `invalid` token fails with
 * its own reason, so a bad escape is reported where jq reports it.
 */
export class TokenCursor {
  private readonly tokens: Token[];
  private cursor = 0;

  constructor(protected readonly source: string) {
    this.tokens = tokenize(source);
  }

  protected peek(ahead = 0): Token {
    return this.tokens[Math.min(this.cursor + ahead, this.tokens.length - 1)] as Token;
  }

  protected next(): Token {
    const token = this.peek();
    if (token.kind === 'invalid') throw this.unexpected(token);
    if (this.cursor < this.tokens.length - 1) this.cursor++;
    return token;
  }

  protected isPunct(token: Token, text: string): boolean {
    return token.kind === 'punct' && token.text === text;
  }

  protected acceptPunct(text: string): boolean {
    if (!this.isPunct(this.peek(), text)) return false;
    this.next();
    return true;
  }

  protected acceptKeyword(text: string): boolean {
    const token = this.peek();
    if (token.kind !== 'keyword' || token.text !== text) return false;
    this.next();
    return true;
  }

  protected expectPunct(text: string): Token {
    const token = this.peek();
    if (!this.isPunct(token, text)) throw this.unexpected(token);
    return this.next();
  }

  protected expectKeyword(text: string): void {
    if (!this.acceptKeyword(text)) throw this.unexpected(this.peek());
  }

  protected expectKind(kind: Token['kind']): Token {
    const token = this.peek();
    if (token.kind !== kind) throw this.unexpected(token);
    return this.next();
  }

  protected expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'end') throw this.unexpected(token);
  }

  protected unexpected(token: Token): JqSyntaxError {
    return this.error(token.reason ?? `syntax error, unexpected ${describeToken(token)}`, token.start);
  }

  protected error(reason: string, offset: number): JqSyntaxError {
    const { line, column } = this.position(offset);
    return new JqSyntaxError(reason, offset, line, column);
  }

  /** 1-based line and column (in UTF-16 units) of an offset. */
  protected position(offset: number): { line: number; column: number } {
    let line = 1;
    let lineStart = 0;
    for (let i = this.source.indexOf('\n'); i !== -1 && i < offset; i = this.source.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    return { line, column: offset - lineStart + 1 };
  }
}
