/** File loaders: IDX (MNIST family), CSV tables, NPY arrays, PNG/JPEG images and image folders. */
export { parseIdx, idxToTensor, loadIdx, loadIdxFolder } from './idx.js';
export type { IdxArray, IdxType, IdxSplits } from './idx.js';
export { parseCsv } from './csv-parse.js';
export type { CsvParseOptions, CsvRecord } from './csv-parse.js';
export { csvFromString, loadCsv, csvDataset, parseNumber } from './csv.js';
export type { ColumnType, CsvData, CsvOptions, CsvSchema, FillStrategy } from './csv.js';
export { parseNpy, parseNpyHeader, loadNpy, serializeNpy, saveNpy } from './npy.js';
export type { NpyHeader } from './npy.js';
export { decodeImage, loadImage, resizeImage, imageFormat } from './image.js';
export type { ImageOptions } from './image.js';
export { ImageFolder, imageFolder } from './image-folder.js';
export type { ImageFolderOptions } from './image-folder.js';
