// Walks the AST and sends tokens, positions and whitespace instructions to the
// printer, after Alloy's syntax/printer/walker.go: which whitespace goes where
// (formfeeds that end alignment sections, vertical tabs before `=`, indentation of
// multi-line arrays, objects and call arguments) decides the output layout.
import type { ArrayExpr, BlockStmt, Body, CallExpr, Expr, ObjectExpr, Stmt } from "../ast.js";
import { endPos, startPos } from "../ast.js";
import type { Pos } from "../source.js";
import { quote } from "../strconv.js";
import { Tok, tokString } from "../token.js";
import type { Printer } from "./printer.js";
import { wsBlank, wsFormfeed, wsIndent, wsNewline, wsUnindent, wsVTab } from "./printer.js";

export class Walker {
  private readonly p: Printer;

  constructor(p: Printer) {
    this.p = p;
  }

  private line(pos: Pos): number {
    return this.p.res.line(pos);
  }

  private differentLines(a: Pos, b: Pos): boolean {
    return this.line(a) !== this.line(b);
  }

  private nodeLines(n: Stmt | Expr): number {
    return this.line(endPos(n)) - this.line(startPos(n)) + 1;
  }

  private tok(t: Tok): void {
    this.p.token(t, tokString(t));
  }

  walkStmts(stmts: Body): void {
    const p = this.p;
    for (let i = 0; i < stmts.length; i++) {
      const s = stmts[i] as Stmt;
      let addedSpacing = false;
      // Two blocks are always separated by a blank line.
      if (i > 0 && s.kind === "Block") {
        p.ws(wsFormfeed);
        addedSpacing = true;
      }
      // A blank line in the source between two statements is kept.
      if (i > 0 && !addedSpacing) {
        const prevLine = this.line(endPos(stmts[i - 1] as Stmt));
        const curLine = this.line(startPos(s));
        if (curLine - prevLine > 1) p.ws(wsFormfeed);
      }
      this.walkStmt(s);
      // A statement spanning lines ends the alignment section.
      p.ws(this.nodeLines(s) > 1 ? wsFormfeed : wsNewline);
    }
  }

  walkStmt(s: Stmt): void {
    if (s.kind === "Attribute") {
      const p = this.p;
      p.pos(s.name.pos);
      p.ident(s.name.name);
      p.ws(wsVTab);
      this.tok(Tok.ASSIGN);
      p.ws(wsBlank);
      this.walkExpr(s.value);
    } else {
      this.walkBlock(s);
    }
  }

  private walkBlock(s: BlockStmt): void {
    const p = this.p;
    p.pos(s.namePos);
    p.ident(s.name.join("."));
    if (s.label !== "") {
      p.ws(wsBlank);
      p.pos(s.labelPos);
      p.literal(Tok.STRING, quote(s.label));
    }
    p.ws(wsBlank);
    p.pos(s.lcurly);
    this.tok(Tok.LCURLY);
    p.ws(wsIndent);
    if (s.body.length > 0) {
      p.ws(wsFormfeed);
      this.walkStmts(s.body);
    } else {
      p.ws(wsBlank);
    }
    p.ws(wsUnindent);
    p.pos(s.rcurly);
    this.tok(Tok.RCURLY);
  }

  walkExpr(e: Expr): void {
    const p = this.p;
    switch (e.kind) {
      case "Literal":
        p.pos(e.pos);
        p.literal(e.tok, e.value);
        return;
      case "Array":
        this.walkArray(e);
        return;
      case "Object":
        this.walkObject(e);
        return;
      case "Identifier":
        p.pos(e.ident.pos);
        p.ident(e.ident.name);
        return;
      case "Access":
        this.walkExpr(e.value);
        this.tok(Tok.DOT);
        p.ident(e.name.name);
        return;
      case "Index":
        this.walkExpr(e.value);
        p.pos(e.lbrack);
        this.tok(Tok.LBRACK);
        this.walkExpr(e.index);
        p.pos(e.rbrack);
        this.tok(Tok.RBRACK);
        return;
      case "Call":
        this.walkCall(e);
        return;
      case "Unary":
        p.pos(e.opPos);
        this.tok(e.op);
        this.walkExpr(e.value);
        return;
      case "Binary":
        this.walkExpr(e.left);
        p.ws(wsBlank);
        p.pos(e.opPos);
        this.tok(e.op);
        p.ws(wsBlank);
        this.walkExpr(e.right);
        return;
      case "Paren":
        // Upstream writes no positions for the parentheses.
        this.tok(Tok.LPAREN);
        this.walkExpr(e.inner);
        this.tok(Tok.RPAREN);
        return;
    }
  }

  private walkArray(e: ArrayExpr): void {
    const p = this.p;
    p.pos(e.lbrack);
    this.tok(Tok.LBRACK);
    let prevPos = e.lbrack;
    const n = e.elements.length;
    for (let i = 0; i < n; i++) {
      const el = e.elements[i] as Expr;
      let addedNewline = false;
      if (this.differentLines(prevPos, startPos(el))) {
        // Indent before the newline so that comments before the element are
        // indented too.
        p.ws(wsIndent);
        p.ws(wsFormfeed);
        addedNewline = true;
      } else if (i > 0) {
        p.ws(wsBlank);
      }
      prevPos = endPos(el);
      this.walkExpr(el);
      if (i + 1 < n) this.tok(Tok.COMMA);
      if (addedNewline) p.ws(wsUnindent);
    }
    if (n > 0 && this.differentLines(prevPos, e.rbrack)) {
      // Trailing comma; the indentation applies to comments after the last element.
      this.tok(Tok.COMMA);
      p.ws(wsIndent);
      p.ws(wsFormfeed);
      p.ws(wsUnindent);
    }
    p.pos(e.rbrack);
    this.tok(Tok.RBRACK);
  }

  private walkObject(e: ObjectExpr): void {
    const p = this.p;
    p.pos(e.lcurly);
    this.tok(Tok.LCURLY);
    p.ws(wsIndent);
    let prevPos = e.lcurly;
    const n = e.fields.length;
    for (let i = 0; i < n; i++) {
      const f = e.fields[i] as ObjectExpr["fields"][number];
      if (this.differentLines(prevPos, f.name.pos)) {
        // Align `=` with the previous field only if its value fit on one line.
        if (i > 0 && this.nodeLines((e.fields[i - 1] as typeof f).value) === 1) p.ws(wsNewline);
        else p.ws(wsFormfeed);
      } else if (i > 0) {
        p.ws(wsBlank);
      }
      prevPos = f.name.pos + f.name.name.length - 1;
      p.pos(f.name.pos);
      if (f.quoted) p.literal(Tok.STRING, quote(f.name.name));
      else p.ident(f.name.name);
      p.ws(wsVTab);
      this.tok(Tok.ASSIGN);
      p.ws(wsBlank);
      this.walkExpr(f.value);
      if (i + 1 < n) this.tok(Tok.COMMA);
    }
    if (n > 0 && this.differentLines(prevPos, e.rcurly)) {
      this.tok(Tok.COMMA);
      p.ws(wsFormfeed);
    }
    p.ws(wsUnindent);
    p.pos(e.rcurly);
    this.tok(Tok.RCURLY);
  }

  private walkCall(e: CallExpr): void {
    const p = this.p;
    this.walkExpr(e.value);
    this.tok(Tok.LPAREN);
    let prevPos = e.lparen;
    const n = e.args.length;
    for (let i = 0; i < n; i++) {
      const arg = e.args[i] as Expr;
      let addedNewline = false;
      if (this.differentLines(prevPos, startPos(arg))) {
        p.ws(wsFormfeed);
        p.ws(wsIndent);
        addedNewline = true;
      }
      this.walkExpr(arg);
      prevPos = endPos(arg);
      if (i + 1 < n) {
        this.tok(Tok.COMMA);
        p.ws(wsBlank);
      }
      if (addedNewline) p.ws(wsUnindent);
    }
    // A trailing comma if the last argument and `)` are on different lines.
    if (this.differentLines(prevPos, e.rparen)) {
      this.tok(Tok.COMMA);
      p.ws(wsFormfeed);
    }
    this.tok(Tok.RPAREN);
  }
}
