/** The protocol-version selector every widget shows: a label and a select, in the page's language. */
import { translator } from '../i18n/catalogue.ts';
import type { Lang } from '../i18n/lang.ts';
import { VERSION_CHOICES, type VersionChoice } from './version.ts';

export interface VersionSelectProps {
  id: string;
  lang: Lang;
  value: VersionChoice;
  onChange: (choice: VersionChoice) => void;
  /** Which choices to offer (all four by default; the builder has no 'auto', for example). */
  choices?: ReadonlyArray<VersionChoice>;
  testId?: string;
}

export default function VersionSelect({ id, lang, value, onChange, choices = VERSION_CHOICES, testId }: VersionSelectProps) {
  const t = translator(lang);
  return (
    <>
      <label htmlFor={id}>{t('common.version')}</label>
      <select id={id} value={value} data-testid={testId} onChange={(e) => onChange(e.target.value as VersionChoice)}>
        {choices.map((v) => <option key={v} value={v}>{v === 'auto' ? t('common.versionAuto') : v}</option>)}
      </select>
    </>
  );
}
