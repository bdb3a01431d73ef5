import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { catalogue } from './locales/catalogue';

export const resources = { en: { translation: catalogue('en') }, cs: { translation: catalogue('cs') } };

void i18n.use(initReactI18next).init({
  resources,
  lng: document.documentElement.lang === 'cs' ? 'cs' : 'en',
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  initAsync: false,
  returnNull: false,
});

export function setLanguage(locale: 'cs' | 'en'): void {
  if (i18n.language !== locale) void i18n.changeLanguage(locale);
  document.documentElement.lang = locale;
}

export default i18n;
