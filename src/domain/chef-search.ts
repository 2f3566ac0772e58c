/**
 * Chef search (Solr/Lucene) syntax, built and checked without zod so that the
 * workflow bundle may import it. Every value that reaches a search goes
 * through `chefValue`; a request's free query goes through `parseChefQuery`,
 * which accepts a small safe subset and re-emits it fully escaped.
 */
import { ErrorType, VesemirError } from './errors.ts';

/** Lucene's special characters; `&&`/`||` are covered by escaping each `&` and `|`. */
const SPECIAL = /[+\-&|!(){}[\]^"~*?:\\/]/g;
/** The same without the two wildcards, for values where `*` and `?` are meant. */
const SPECIAL_BUT_WILDCARDS = /[+\-&|!(){}[\]^"~:\\/]/g;

/**
 * A literal value, escaped. goiardi refuses a backslash-escaped space
 * (`a\ b`), so a value with whitespace becomes a phrase, inside which the
 * specials stay escaped (`"a\" b"` works on goiardi and on Solr).
 */
export function chefValue(value: string): string {
  const escaped = value.replace(SPECIAL, '\\$&');
  return /\s/.test(value) || OPERATORS.has(value) ? `"${escaped}"` : escaped;
}

/** A bare `AND`/`OR`/`NOT` value would be read as the operator: it goes as a phrase. */
const OPERATORS = new Set(['AND', 'OR', 'NOT']);

/** `field:value` with the value escaped. */
export function chefTerm(field: string, value: string): string {
  return `${field}:${chefValue(value)}`;
}

/** A malformed free query; `message` says what and where, for a 400 naming `chef.query`. */
export class ChefQuerySyntaxError extends VesemirError {
  override readonly name = 'ChefQuerySyntaxError';

  constructor(message: string) {
    super(ErrorType.ChefQuerySyntax, message);
  }
}

type Node = { kind: 'term'; field: string; value: string; phrase: boolean } | { kind: 'not'; operand: Node } | { kind: 'and' | 'or'; operands: Node[] };

type Token = { kind: '(' | ')' | 'AND' | 'OR' | 'NOT'; at: number } | { kind: 'term'; at: number; field: string; value: string; phrase: boolean };

const FIELD = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const VALUE = /^[A-Za-z0-9_.:*?-]+$/;
const PHRASE = /^[A-Za-z0-9_.:*?\- ]+$/;
const MAX_DEPTH = 16;

/**
 * Parses a free query of the safe subset — `field:value` (with `*`/`?` inside
 * a value), `field:"phrase"`, AND / OR / NOT, parentheses — and returns it
 * re-emitted, escaped and parenthesised so that it reads the same to any
 * Lucene parser. Throws ChefQuerySyntaxError on anything else.
 */
export function parseChefQuery(query: string): string {
  const tokens = tokenize(query);
  if (tokens.length === 0) throw new ChefQuerySyntaxError('is empty');
  const parser = new Parser(tokens);
  const node = parser.parseOr(0);
  parser.expectEnd();
  return emit(node);
}

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: c, at: i++ });
    } else if (c === '"') {
      throw new ChefQuerySyntaxError(`has a phrase without a field at ${i + 1} (write field:"phrase")`);
    } else {
      const start = i;
      while (i < query.length && !/[\s()"]/.test(query[i]!)) i++;
      const word = query.slice(start, i);
      if (word === 'AND' || word === 'OR' || word === 'NOT') {
        tokens.push({ kind: word, at: start });
        continue;
      }
      const colon = word.indexOf(':');
      const field = colon < 0 ? word : word.slice(0, colon);
      if (colon < 0 || !FIELD.test(field)) throw new ChefQuerySyntaxError(`'${word}' at ${start + 1} is not a field:value term`);
      let value = word.slice(colon + 1);
      let phrase = false;
      if (value === '' && query[i] === '"') {
        const close = query.indexOf('"', i + 1);
        if (close < 0) throw new ChefQuerySyntaxError(`has an unbalanced quote at ${i + 1}`);
        value = query.slice(i + 1, close);
        phrase = true;
        i = close + 1;
        if (!PHRASE.test(value)) throw new ChefQuerySyntaxError(`has an empty or invalid phrase for '${field}' at ${start + 1}`);
      } else if (!VALUE.test(value)) {
        throw new ChefQuerySyntaxError(`term '${word}' at ${start + 1} has no value`);
      } else if (!/[^*?]/.test(value)) {
        // `name:*` and `*:*` match everything: a narrowing query has no use for them.
        throw new ChefQuerySyntaxError(`term '${word}' at ${start + 1} is only a wildcard`);
      }
      tokens.push({ kind: 'term', at: start, field, value, phrase });
    }
  }
  return tokens;
}

class Parser {
  private next = 0;

  constructor(private readonly tokens: Token[]) {}

  parseOr(depth: number): Node {
    const operands = [this.parseAnd(depth)];
    while (this.peek()?.kind === 'OR') {
      this.next++;
      operands.push(this.parseAnd(depth));
    }
    return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
  }

  expectEnd(): void {
    const extra = this.peek();
    if (extra)
      throw new ChefQuerySyntaxError(`has an unexpected '${describe(extra)}' at ${extra.at + 1}${extra.kind === ')' ? ' (unbalanced parentheses)' : ''}`);
  }

  private parseAnd(depth: number): Node {
    const operands = [this.parseUnary(depth)];
    for (;;) {
      const token = this.peek();
      if (token?.kind === 'AND') {
        this.next++;
        operands.push(this.parseUnary(depth));
      } else if (token && token.kind !== 'OR' && token.kind !== ')') {
        // Lucene's implicit operator is OR; spelled out here, so nothing is guessed.
        throw new ChefQuerySyntaxError(`needs AND or OR before '${describe(token)}' at ${token.at + 1}`);
      } else {
        break;
      }
    }
    return operands.length === 1 ? operands[0]! : { kind: 'and', operands };
  }

  private parseUnary(depth: number): Node {
    const token = this.tokens[this.next++];
    if (!token) throw new ChefQuerySyntaxError('ends where a term was expected');
    if (token.kind === 'NOT') return { kind: 'not', operand: this.parseUnary(depth) };
    if (token.kind === 'term') return { kind: 'term', field: token.field, value: token.value, phrase: token.phrase };
    if (token.kind !== '(') throw new ChefQuerySyntaxError(`has '${describe(token)}' at ${token.at + 1} where a term was expected`);
    if (depth >= MAX_DEPTH) throw new ChefQuerySyntaxError(`nests parentheses deeper than ${MAX_DEPTH}`);
    if (this.peek()?.kind === ')') throw new ChefQuerySyntaxError(`has an empty group at ${token.at + 1}`);
    const inner = this.parseOr(depth + 1);
    const close = this.tokens[this.next++];
    if (close?.kind !== ')') throw new ChefQuerySyntaxError(`has an unclosed '(' at ${token.at + 1} (unbalanced parentheses)`);
    return inner;
  }

  private peek(): Token | undefined {
    return this.tokens[this.next];
  }
}

function describe(token: Token): string {
  return token.kind === 'term' ? `${token.field}:${token.value}` : token.kind;
}

function emit(node: Node): string {
  switch (node.kind) {
    case 'term':
      if (node.phrase || OPERATORS.has(node.value)) return `${node.field}:"${node.value.replace(SPECIAL, '\\$&')}"`;
      return `${node.field}:${node.value.replace(SPECIAL_BUT_WILDCARDS, '\\$&')}`;
    case 'not':
      return `NOT ${group(node.operand)}`;
    default:
      return node.operands.map(group).join(node.kind === 'and' ? ' AND ' : ' OR ');
  }
}

/**
 * An AND/OR operand is always parenthesised: no reliance on Lucene's
 * precedence. A NOT is not: Solr matches nothing for a nested pure negative
 * group such as `a AND (NOT b)`.
 */
function group(node: Node): string {
  return node.kind === 'and' || node.kind === 'or' ? `(${emit(node)})` : emit(node);
}
