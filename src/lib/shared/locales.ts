// The languages Concord speaks. Shared by the UI's i18n layer and by contracts that carry per-language text
// (rubric translations), so the browser and the server agree on one list.
export const LOCALES = ['en', 'pt-BR'] as const;
export type Locale = (typeof LOCALES)[number];

export const isLocale = (value: string): value is Locale => (LOCALES as readonly string[]).includes(value);
