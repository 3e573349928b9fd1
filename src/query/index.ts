/** SQL over the lake: views of every stream and dataset on their current versions. */
export { createLakeViews } from './lake-views.ts';
export { clearInputsOf, createClearViews, type ClearInputs } from './clear-views.ts';
