// Token kinds of the Alloy configuration language, in the same order and with the
// same printed names as Alloy's syntax/token package, so error messages match.

export const Tok = {
  ILLEGAL: 0,
  EOF: 1,
  COMMENT: 2,
  IDENT: 3,
  NUMBER: 4,
  FLOAT: 5,
  STRING: 6,
  BOOL: 7,
  NULL: 8,
  OR: 9, // ||
  AND: 10, // &&
  NOT: 11, // !
  ASSIGN: 12, // =
  EQ: 13, // ==
  NEQ: 14, // !=
  LT: 15, // <
  LTE: 16, // <=
  GT: 17, // >
  GTE: 18, // >=
  ADD: 19, // +
  SUB: 20, // -
  MUL: 21, // *
  DIV: 22, // /
  MOD: 23, // %
  POW: 24, // ^
  LCURLY: 25, // {
  RCURLY: 26, // }
  LPAREN: 27, // (
  RPAREN: 28, // )
  LBRACK: 29, // [
  RBRACK: 30, // ]
  COMMA: 31, // ,
  DOT: 32, // .
  TERMINATOR: 33, // \n or ;
} as const;

export type Tok = (typeof Tok)[keyof typeof Tok];

const names: readonly string[] = [
  "ILLEGAL",
  "EOF",
  "COMMENT",
  "IDENT",
  "NUMBER",
  "FLOAT",
  "STRING",
  "BOOL",
  "NULL",
  "||",
  "&&",
  "!",
  "=",
  "==",
  "!=",
  "<",
  "<=",
  ">",
  ">=",
  "+",
  "-",
  "*",
  "/",
  "%",
  "^",
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  ",",
  ".",
  "TERMINATOR",
];

/** The printed form of a token kind, as Alloy's token.Token.String(). */
export function tokString(t: Tok): string {
  return names[t] ?? `token(${t})`;
}

/** Binary operator precedence (0 for non-operators), as Alloy's token.Token.BinaryPrecedence(). */
export function binaryPrecedence(t: Tok): number {
  switch (t) {
    case Tok.OR:
      return 1;
    case Tok.AND:
      return 2;
    case Tok.EQ:
    case Tok.NEQ:
    case Tok.LT:
    case Tok.LTE:
    case Tok.GT:
    case Tok.GTE:
      return 3;
    case Tok.ADD:
    case Tok.SUB:
      return 4;
    case Tok.MUL:
    case Tok.DIV:
    case Tok.MOD:
      return 5;
    case Tok.POW:
      return 6;
    default:
      return 0;
  }
}

export const LowestPrecedence = 0;
export const UnaryPrecedence = 7;
export const HighestPrecedence = 8;

export function isLiteralTok(t: Tok): boolean {
  return t >= Tok.IDENT && t <= Tok.NULL;
}
