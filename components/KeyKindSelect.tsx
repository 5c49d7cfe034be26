import { keyKindNames, keyKinds, type KeyKind } from '@/lib/providers/kinds';

/** A labelled combobox of the kinds of key the vault knows (OpenAI, Anthropic, Google Gemini, OpenAI-compatible). */
export function KeyKindSelect({ label, value, onChange }: { label: string; value: KeyKind; onChange: (kind: KeyKind) => void }) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value as KeyKind)}>
        {keyKinds.map((k) => (
          <option key={k} value={k}>
            {keyKindNames[k]}
          </option>
        ))}
      </select>
    </label>
  );
}
