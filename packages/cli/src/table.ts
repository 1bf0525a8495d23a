// Column tables for people: widths from the visible text (colour codes do not count), a dashed
// rule under the header like the reference meshctl, and optional per-column truncation so a
// long capability list does not wrap every row.
import { stripVTControlCharacters } from "node:util";

export interface Column {
  header: string;
  /** Longest visible width; longer cells are cut with an ellipsis. */
  max?: number;
  align?: "left" | "right";
}

export function visibleWidth(text: string): number {
  return stripVTControlCharacters(text).length;
}

export function truncate(text: string, max: number): string {
  const plain = stripVTControlCharacters(text);
  if (plain.length <= max) return text;
  // Cutting inside an escape sequence would garble the terminal: cut the plain text instead.
  return `${plain.slice(0, Math.max(0, max - 1))}…`;
}

export function renderTable(columns: Column[], rows: string[][], dim: (s: string) => string = (s) => s): string[] {
  const cells = rows.map((row) =>
    columns.map((col, i) => (col.max ? truncate(row[i] ?? "", col.max) : (row[i] ?? ""))),
  );
  const widths = columns.map((col, i) =>
    Math.max(visibleWidth(col.header), ...cells.map((r) => visibleWidth(r[i] ?? ""))),
  );
  const line = (row: string[]) =>
    row
      .map((cell, i) => {
        const pad = " ".repeat((widths[i] ?? 0) - visibleWidth(cell));
        if (i === row.length - 1 && columns[i]?.align !== "right") return cell;
        return columns[i]?.align === "right" ? pad + cell : cell + pad;
      })
      .join("  ");
  const header = line(columns.map((c) => c.header));
  const rule = "-".repeat(widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1));
  return [header, dim(rule), ...cells.map(line)];
}
