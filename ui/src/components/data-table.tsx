/** Rows of a query or a dataset as a table: numbers right-aligned, NULL marked, long values cut with the whole value on hover. */
import type { Column } from '../types.ts';
import { cell } from '../format.ts';

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/i;

export function isNumeric(type: string): boolean {
  return NUMERIC.test(type);
}

export function DataTable({ columns, rows, caption }: { columns: readonly Column[]; rows: readonly Record<string, unknown>[]; caption?: string }) {
  return (
    <div className="table-scroll">
      <table className="data">
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.name} title={c.type} className={isNumeric(c.type) ? 'num' : undefined}>
                {c.name}
                <span className="type">{c.type.toLowerCase()}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              {columns.map((c) => {
                const value = row[c.name];
                const text = cell(value);
                return (
                  <td
                    key={c.name}
                    className={value === null || value === undefined ? 'null' : isNumeric(c.type) ? 'num' : undefined}
                    title={text.length > 60 ? text : undefined}
                  >
                    {text.length > 120 ? `${text.slice(0, 120)}…` : text}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
