export { CONTROL_TARGET, WIDGET_STATE_MIME, WIDGET_TARGET, WIDGET_VIEW_MIME, WidgetModels, modelsOfDocument, openMessages, referencesOf, withOutput } from './widget-models';
export type { CommMessage, WidgetModel, WidgetStateDocument } from './widget-models';
export { isJsonObject, putBuffers, takeBuffers } from './buffers';
export type { BufferPath, JsonRecord } from './buffers';
