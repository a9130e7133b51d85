export { createProgram, type ControllerOptions } from './flags.js';
export { renderTemplateData } from './template-data.js';
