// The parser, after Alloy's syntax/parser: a recursive-descent LL(1) parser that
// reports every error it finds (at most one syntax error per line; lexical errors
// are all kept), recovers at statement and list boundaries, and records every
// comment in groups for the printer.
import type {
  AttributeStmt,
  BlockStmt,
  Body,
  Comment,
  CommentGroup,
  Expr,
  File,
  Ident,
  ObjectField,
  Stmt,
} from "./ast.js";
import { startPos } from "./ast.js";
import type { Diagnostic } from "./diag.js";
import { isValidIdentifier, ScanMode, Scanner } from "./scanner.js";
import { type Pos, SourceFile } from "./source.js";
import { quote } from "./strconv.js";
import { binaryPrecedence, Tok, tokString } from "./token.js";

export interface ParseResult {
  file: File;
  diagnostics: Diagnostic[];
}

class Parser {
  readonly source: SourceFile;
  readonly diags: Diagnostic[] = [];
  readonly comments: CommentGroup[] = [];
  private readonly scanner: Scanner;

  private pos: Pos = 0;
  private tok_: Tok = Tok.EOF;
  private lit = "";

  // The last block name parsed (see parseBlockName).
  private bnFirst = "";
  private bnFragments: string[] | undefined = undefined;
  private bnLabel = "";
  private bnStart: Pos = 0;
  private bnLabelPos: Pos = -1;

  // A scratch stack from which lists are sliced, so that every list in the tree is
  // allocated once at its exact size.
  private readonly stack: unknown[] = [];
  private sp = 0;

  private push(x: unknown): void {
    this.stack[this.sp++] = x;
  }

  private take<T>(base: number): T[] {
    const out = this.stack.slice(base, this.sp) as T[];
    this.sp = base;
    return out;
  }

  /** Line (1-based) of the last syntax error; two on one line are not reported. */
  private lastErrorLine = 0;

  constructor(source: SourceFile) {
    this.source = source;
    this.scanner = new Scanner(source.text, (pos, msg) => this.addDiag(pos, pos, msg), ScanMode.IncludeComments);
    this.next();
  }

  private addDiag(start: Pos, end: Pos, message: string): void {
    const s = this.source.position(start);
    this.diags.push({ severity: "error", start: s, end: end === start ? s : this.source.position(end), message });
  }

  private line(pos: Pos): number {
    return this.source.lineIndex(pos) + 1;
  }

  /** The current token (a method, so that TypeScript does not narrow it across next()). */
  private cur(): Tok {
    return this.tok_;
  }

  /** Advances to the next non-comment token, collecting comments. */
  private next(): void {
    this.next0();
    while (this.cur() === Tok.COMMENT) this.consumeCommentGroup();
  }

  private next0(): void {
    const s = this.scanner;
    this.tok_ = s.scan();
    this.pos = s.pos;
    this.lit = s.lit;
  }

  private consumeCommentGroup(): void {
    const list: Comment[] = [];
    let endline = this.line(this.pos);
    while (this.cur() === Tok.COMMENT && this.line(this.pos) <= endline + 1) {
      endline = this.line(this.pos);
      const text = this.lit;
      if (text.charCodeAt(1) === 0x2a) {
        for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) endline++;
      }
      list.push({ pos: this.pos, text });
      this.next0();
    }
    this.comments.push(list);
  }

  /** Consumes tokens up to (not including) `to` or EOF. */
  private advance(to: Tok): void {
    while (this.cur() !== Tok.EOF && this.cur() !== to) this.next();
  }

  /** Consumes tokens up to a statement end: TERMINATOR ) } ] , (or EOF). */
  private advanceStatementEnd(): void {
    for (;;) {
      const t = this.cur();
      if (
        t === Tok.EOF ||
        t === Tok.TERMINATOR ||
        t === Tok.RPAREN ||
        t === Tok.RCURLY ||
        t === Tok.RBRACK ||
        t === Tok.COMMA
      ) {
        return;
      }
      this.next();
    }
  }

  /** Consumes the current token, reporting an error unless it is t; returns its position. */
  private expect(t: Tok): Pos {
    const pos = this.pos;
    if (this.cur() !== t) this.addError(`expected ${tokString(t)}, got ${tokString(this.cur())}`);
    this.next();
    return pos;
  }

  private addError(message: string): void {
    const line = this.line(this.pos);
    if (line === this.lastErrorLine) return;
    this.lastErrorLine = line;
    this.addDiag(this.pos, this.pos, message);
  }

  // File = Body
  parseFile(): Body {
    return this.parseBody(Tok.EOF);
  }

  // Body = [ Statement { terminator Statement } ]
  private parseBody(until: Tok): Body {
    const base = this.sp;
    while (this.cur() !== until && this.cur() !== Tok.EOF) {
      const stmt = this.parseStatement();
      if (stmt !== undefined) this.push(stmt);
      if (this.cur() === until) break;
      if (this.cur() !== Tok.TERMINATOR) {
        this.addError(`expected TERMINATOR, got ${tokString(this.cur())}`);
        this.consumeStatement();
      }
      this.next();
    }
    return this.take<Stmt>(base);
  }

  /** Consumes the rest of a statement: up to a terminator outside of any (), [] or {}. */
  private consumeStatement(): void {
    let curly = 0;
    let brack = 0;
    let paren = 0;
    while (this.cur() !== Tok.EOF) {
      switch (this.cur()) {
        case Tok.LCURLY:
          curly++;
          break;
        case Tok.RCURLY:
          curly--;
          break;
        case Tok.LBRACK:
          brack++;
          break;
        case Tok.RBRACK:
          brack--;
          break;
        case Tok.LPAREN:
          paren++;
          break;
        case Tok.RPAREN:
          paren--;
          break;
        case Tok.TERMINATOR:
          if (curly <= 0 && brack <= 0 && paren <= 0) return;
          break;
      }
      this.next();
    }
  }

  // Statement = Attribute | Block
  // Attribute = identifier "=" Expression
  // Block     = BlockName "{" Body "}"
  private parseStatement(): Stmt | undefined {
    if (!this.parseBlockName()) {
      this.advance(Tok.IDENT);
      return undefined;
    }
    const first = this.bnFirst;
    const start = this.bnStart;
    const fragments = this.bnFragments;
    const label = this.bnLabel;
    const labelPos = this.bnLabelPos;
    switch (this.cur()) {
      case Tok.ASSIGN: {
        this.next();
        if (fragments !== undefined) {
          const attrName = fragments.join(".");
          this.addDiag(
            start,
            start + attrName.length - 1,
            'attribute names may only consist of a single identifier with no "."',
          );
        } else if (labelPos !== -1) {
          // The end includes the closing quote, which the label value lacks.
          this.addDiag(labelPos, labelPos + label.length + 1, "attribute names may not have labels");
        }
        const name: Ident = { name: first, pos: start };
        const stmt: AttributeStmt = { kind: "Attribute", name, value: this.parseExpression() };
        return stmt;
      }
      case Tok.LCURLY: {
        const lcurly = this.expect(Tok.LCURLY);
        const body = this.parseBody(Tok.RCURLY);
        const rcurly = this.expect(Tok.RCURLY);
        const block: BlockStmt = {
          kind: "Block",
          name: fragments ?? [first],
          namePos: start,
          label,
          labelPos,
          body,
          lcurly,
          rcurly,
        };
        return block;
      }
      default:
        if (fragments === undefined && label === "") {
          this.addError(`expected attribute assignment or block body, got ${tokString(this.cur())}`);
        } else {
          this.addError(`expected block body, got ${tokString(this.cur())}`);
        }
        this.advance(Tok.IDENT);
        return undefined;
    }
  }

  // BlockName = identifier { "." identifier } [ string ]
  // The result goes to the bn* fields (no allocation for the common one-part name).
  private parseBlockName(): boolean {
    if (this.cur() !== Tok.IDENT) {
      this.addError(`expected identifier, got ${tokString(this.cur())}`);
      return false;
    }
    const first = this.lit;
    this.bnFirst = first;
    this.bnStart = this.pos;
    this.bnLabel = "";
    this.bnLabelPos = -1;
    this.next();
    let fragments: string[] | undefined;
    if (this.cur() === Tok.DOT) {
      const base = this.sp;
      this.push(first);
      while (this.cur() === Tok.DOT) {
        this.next();
        if (this.cur() !== Tok.IDENT) {
          // Keep going to parse as much as possible; the name is malformed.
          this.addError(`expected identifier, got ${tokString(this.cur())}`);
        }
        this.push(this.lit);
        this.next();
      }
      fragments = this.take<string>(base);
    }
    this.bnFragments = fragments;
    if (this.cur() !== Tok.ASSIGN && this.cur() !== Tok.LCURLY) {
      if (this.cur() === Tok.STRING) {
        const lit = this.lit;
        if (lit.charCodeAt(0) !== 0x22) {
          this.addError(`expected block label to be a double quoted string, but got ${quote(lit)}`);
        }
        if (lit.length > 2) {
          this.bnLabel = lit.slice(1, -1);
          if (!isValidIdentifier(this.bnLabel)) {
            this.addError(`expected block label to be a valid identifier, but got ${quote(this.bnLabel)}`);
          }
        }
        this.bnLabelPos = this.pos;
      } else {
        this.addError(`expected block label, got ${tokString(this.cur())}`);
      }
      this.next();
    }
    return true;
  }

  // Expression = BinOpExpr
  parseExpression(): Expr {
    return this.parseBinOp(1);
  }

  // OrExpr  = AndExpr { "||" AndExpr }, AndExpr = CmpExpr { "&&" CmpExpr },
  // CmpExpr = AddExpr { cmp_op AddExpr }, AddExpr = MulExpr { add_op MulExpr },
  // MulExpr = PowExpr { mul_op PowExpr }: all left-associative.
  private parseBinOp(inPrec: number): Expr {
    let lhs = this.parsePowExpr();
    for (;;) {
      const op = this.cur();
      const opPos = this.pos;
      const prec = binaryPrecedence(op);
      if (prec < inPrec) return lhs;
      this.next();
      const rhs = this.parseBinOp(prec + 1);
      lhs = { kind: "Binary", op, opPos, left: lhs, right: rhs };
    }
  }

  // PowExpr = UnaryExpr [ "^" PowExpr ]: right-associative.
  private parsePowExpr(): Expr {
    const lhs = this.parseUnaryExpr();
    if (this.cur() === Tok.POW) {
      const opPos = this.pos;
      this.next();
      return { kind: "Binary", op: Tok.POW, opPos, left: lhs, right: this.parsePowExpr() };
    }
    return lhs;
  }

  // UnaryExpr  = OperExpr | unary_op UnaryExpr
  // OperExpr   = PrimaryExpr { AccessExpr | IndexExpr | CallExpr }
  private parseUnaryExpr(): Expr {
    const t = this.cur();
    if (t === Tok.NOT || t === Tok.SUB) {
      const opPos = this.pos;
      this.next();
      return { kind: "Unary", op: t, opPos, value: this.parseUnaryExpr() };
    }

    let primary = this.parsePrimaryExpr();
    for (;;) {
      switch (this.cur()) {
        case Tok.DOT: {
          this.next();
          const namePos = this.pos;
          const name = this.lit;
          this.expect(Tok.IDENT);
          primary = { kind: "Access", value: primary, name: { name, pos: namePos } };
          break;
        }
        case Tok.LBRACK: {
          const lbrack = this.expect(Tok.LBRACK);
          const index = this.parseExpression();
          const rbrack = this.expect(Tok.RBRACK);
          primary = { kind: "Index", value: primary, index, lbrack, rbrack };
          break;
        }
        case Tok.LPAREN: {
          const lparen = this.expect(Tok.LPAREN);
          const args = this.cur() !== Tok.RPAREN ? this.parseExpressionList(Tok.RPAREN) : [];
          const rparen = this.expect(Tok.RPAREN);
          primary = { kind: "Call", value: primary, args, lparen, rparen };
          break;
        }
        case Tok.STRING:
        case Tok.LCURLY: {
          // Probably a block assigned to an attribute: parse it as a block to say so.
          if (this.cur() === Tok.STRING) this.next();
          if (this.cur() !== Tok.LCURLY) {
            this.expect(Tok.LCURLY);
            this.consumeStatement();
            return primary;
          }
          this.next();
          this.parseBody(Tok.RCURLY);
          const end = this.pos;
          if (this.cur() !== Tok.RCURLY) {
            this.expect(Tok.RCURLY);
            this.consumeStatement();
            return primary;
          }
          this.next();
          this.addDiag(startPos(primary), end, "cannot use a block as an expression");
          break;
        }
        default:
          return primary;
      }
    }
  }

  // PrimaryExpr  = LiteralValue | ArrayExpr | ObjectExpr
  // LiteralValue = identifier | string | number | float | bool | null | "(" Expression ")"
  // ArrayExpr    = "[" [ ExpressionList ] "]"
  // ObjectExpr   = "{" [ FieldList ] "}"
  private parsePrimaryExpr(): Expr {
    const pos = this.pos;
    switch (this.cur()) {
      case Tok.IDENT: {
        const name = this.lit;
        this.next();
        return { kind: "Identifier", ident: { name, pos } };
      }
      case Tok.STRING:
      case Tok.NUMBER:
      case Tok.FLOAT:
      case Tok.BOOL:
      case Tok.NULL: {
        const tok = this.cur();
        const value = this.lit;
        this.next();
        return { kind: "Literal", tok, value, pos };
      }
      case Tok.LPAREN: {
        this.next();
        const inner = this.parseExpression();
        const rparen = this.expect(Tok.RPAREN);
        return { kind: "Paren", inner, lparen: pos, rparen };
      }
      case Tok.LBRACK: {
        this.next();
        const elements = this.cur() !== Tok.RBRACK ? this.parseExpressionList(Tok.RBRACK) : [];
        const rbrack = this.expect(Tok.RBRACK);
        return { kind: "Array", elements, lbrack: pos, rbrack };
      }
      case Tok.LCURLY: {
        this.next();
        // Upstream compares against "]" here (not "}"); kept for identical errors.
        const fields = this.cur() !== Tok.RBRACK ? this.parseFieldList(Tok.RCURLY) : [];
        const rcurly = this.expect(Tok.RCURLY);
        return { kind: "Object", fields, lcurly: pos, rcurly };
      }
    }
    this.addError(`expected expression, got ${tokString(this.cur())}`);
    this.advanceStatementEnd();
    return { kind: "Literal", tok: Tok.NULL, value: "null", pos };
  }

  // ExpressionList = Expression { "," Expression } [ "," ]
  private parseExpressionList(until: Tok): Expr[] {
    const base = this.sp;
    while (this.cur() !== until && this.cur() !== Tok.EOF) {
      this.push(this.parseExpression());
      if (this.cur() === until) break;
      if (this.cur() !== Tok.COMMA) this.addError("missing ',' in expression list");
      this.next();
    }
    return this.take<Expr>(base);
  }

  // FieldList = Field { "," Field } [ "," ]
  private parseFieldList(until: Tok): ObjectField[] {
    const base = this.sp;
    while (this.cur() !== until && this.cur() !== Tok.EOF) {
      this.push(this.parseField());
      if (this.cur() === until) break;
      if (this.cur() !== Tok.COMMA) this.addError("missing ',' in field list");
      this.next();
    }
    return this.take<ObjectField>(base);
  }

  // Field = ( string | identifier ) "=" Expression
  private parseField(): ObjectField {
    let name: Ident;
    let quoted = false;
    if (this.cur() === Tok.STRING || this.cur() === Tok.IDENT) {
      name = { name: this.lit, pos: this.pos };
      if (this.cur() === Tok.STRING && this.lit.length > 2) {
        name.name = this.lit.slice(1, -1);
        quoted = true;
      }
      this.next();
    } else {
      name = { name: "", pos: this.pos };
      this.addError(`expected field name (string or identifier), got ${tokString(this.cur())}`);
      this.advance(Tok.ASSIGN);
    }
    this.expect(Tok.ASSIGN);
    return { name, quoted, value: this.parseExpression() };
  }

  /** Ends an expression parse as upstream's ParseExpression: a TERMINATOR must follow. */
  expectEnd(): void {
    this.expect(Tok.TERMINATOR);
  }

  /** Reports that the input nests too deeply to parse. */
  tooDeep(): void {
    this.addDiag(this.pos, this.pos, "expression or block nesting too deep");
  }
}

function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

/** Parses a whole file. Never throws; the file is complete only when diagnostics are empty. */
export function parseFile(filename: string, text: string): ParseResult {
  const source = new SourceFile(filename, text);
  const p = new Parser(source);
  let body: Body = [];
  try {
    body = p.parseFile();
  } catch (e) {
    if (!isStackOverflow(e)) throw e;
    p.tooDeep();
  }
  return { file: { name: filename, body, comments: p.comments, source }, diagnostics: p.diags };
}

/** Parses a single expression, which must make up the whole text. */
export function parseExpression(text: string, filename = ""): { expr: Expr; diagnostics: Diagnostic[] } {
  const p = new Parser(new SourceFile(filename, text));
  let expr: Expr = { kind: "Literal", tok: Tok.NULL, value: "null", pos: 0 };
  try {
    expr = p.parseExpression();
    p.expectEnd();
  } catch (e) {
    if (!isStackOverflow(e)) throw e;
    p.tooDeep();
  }
  return { expr, diagnostics: p.diags };
}
