/**
 * @motcua/catalog — the procedure catalog (danh mục thủ tục hành chính) and the demo communes.
 * Pure data and functions; no framework imports.
 */
export * from './catalog';
export * from './fields';
export * from './demo-commune';
export { BIRTH_GROUP_OPTIONS, DEATH_GROUP_OPTIONS, LIEN_THONG_KHAI_SINH, LIEN_THONG_KHAI_TU } from './data/lien-thong';
export * from './demo-users';
