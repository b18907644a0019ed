// The syntax tree, after Alloy's syntax/ast. Every node carries the positions the
// printer and diagnostics need; literals keep their raw source text.
import type { Pos, SourceFile } from "./source.js";
import type { Tok } from "./token.js";

export interface Ident {
  name: string;
  pos: Pos;
}

export interface Comment {
  /** Offset of the `//` or `/*`. */
  pos: Pos;
  /** The raw comment text including `//` or the delimiters, without the newline. */
  text: string;
}

/** Adjacent comments with no blank line or token between them. */
export type CommentGroup = Comment[];

export interface File {
  /** The file name used in positions. */
  name: string;
  body: Body;
  /** Every comment in the file, in source order, grouped. */
  comments: CommentGroup[];
  source: SourceFile;
}

export type Body = Stmt[];
export type Stmt = AttributeStmt | BlockStmt;

export interface AttributeStmt {
  kind: "Attribute";
  name: Ident;
  value: Expr;
}

export interface BlockStmt {
  kind: "Block";
  /** Dotted name parts: `prometheus.scrape` is ["prometheus", "scrape"]. */
  name: string[];
  namePos: Pos;
  /** The unquoted label, "" when absent. */
  label: string;
  labelPos: Pos;
  body: Body;
  lcurly: Pos;
  rcurly: Pos;
}

export type Expr =
  | IdentifierExpr
  | LiteralExpr
  | ArrayExpr
  | ObjectExpr
  | AccessExpr
  | IndexExpr
  | CallExpr
  | UnaryExpr
  | BinaryExpr
  | ParenExpr;

export interface IdentifierExpr {
  kind: "Identifier";
  ident: Ident;
}

export interface LiteralExpr {
  kind: "Literal";
  /** Tok.NUMBER, Tok.FLOAT, Tok.STRING, Tok.BOOL or Tok.NULL. */
  tok: Tok;
  /** Raw source text of the literal (strings keep their quotes or backticks). */
  value: string;
  pos: Pos;
}

export interface ArrayExpr {
  kind: "Array";
  elements: Expr[];
  lbrack: Pos;
  rbrack: Pos;
}

export interface ObjectField {
  name: Ident;
  /** Whether the key was written as a string ("key" = ...). */
  quoted: boolean;
  value: Expr;
}

export interface ObjectExpr {
  kind: "Object";
  fields: ObjectField[];
  lcurly: Pos;
  rcurly: Pos;
}

export interface AccessExpr {
  kind: "Access";
  value: Expr;
  name: Ident;
}

export interface IndexExpr {
  kind: "Index";
  value: Expr;
  index: Expr;
  lbrack: Pos;
  rbrack: Pos;
}

export interface CallExpr {
  kind: "Call";
  value: Expr;
  args: Expr[];
  lparen: Pos;
  rparen: Pos;
}

export interface UnaryExpr {
  kind: "Unary";
  /** Tok.NOT or Tok.SUB. */
  op: Tok;
  opPos: Pos;
  value: Expr;
}

export interface BinaryExpr {
  kind: "Binary";
  op: Tok;
  opPos: Pos;
  left: Expr;
  right: Expr;
}

export interface ParenExpr {
  kind: "Paren";
  inner: Expr;
  lparen: Pos;
  rparen: Pos;
}

export type Node = File | Stmt | Expr;

/** The first position of a node. */
export function startPos(n: Stmt | Expr): Pos {
  switch (n.kind) {
    case "Attribute":
      return n.name.pos;
    case "Block":
      return n.namePos;
    case "Identifier":
      return n.ident.pos;
    case "Literal":
      return n.pos;
    case "Array":
      return n.lbrack;
    case "Object":
      return n.lcurly;
    case "Access":
    case "Index":
    case "Call":
      return startPos(n.value);
    case "Unary":
      return n.opPos;
    case "Binary":
      return startPos(n.left);
    case "Paren":
      return n.lparen;
  }
}

/** The position of the last character of a node (inclusive), as Alloy's ast.EndPos. */
export function endPos(n: Stmt | Expr): Pos {
  switch (n.kind) {
    case "Attribute":
      return endPos(n.value);
    case "Block":
      return n.rcurly;
    case "Identifier":
      return n.ident.pos + n.ident.name.length - 1;
    case "Literal":
      return n.pos + n.value.length - 1;
    case "Array":
      return n.rbrack;
    case "Object":
      return n.rcurly;
    case "Access":
      return n.name.pos + n.name.name.length - 1;
    case "Index":
      return n.rbrack;
    case "Call":
      return n.rparen;
    case "Unary":
      return endPos(n.value);
    case "Binary":
      return endPos(n.right);
    case "Paren":
      return n.rparen;
  }
}

/** The full dotted name of a block, e.g. "prometheus.scrape". */
export function blockName(b: BlockStmt): string {
  return b.name.join(".");
}
