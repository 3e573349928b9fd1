/**
 * Personal data: which columns of each stream and dataset identify a data
 * subject or hold personal data about them, and where that comes from.
 */
export { classifyProject, type ColumnClass, type NodePrivacy, type SqlParser } from './classify-project.ts';
export { duckdbSqlParser } from './duckdb-sql-parser.ts';
export { sqlLineage, type ColumnSource, type InputColumns, type OutputLineage } from './sql-lineage.ts';
