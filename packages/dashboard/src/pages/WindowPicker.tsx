import { WINDOWS } from "../use-traffic";

export function WindowPicker({ value, onChange }: { value: number; onChange: (s: number) => void }) {
  return (
    <label className="muted picker">
      Traffic over the last{" "}
      <select value={value} onChange={(e) => onChange(Number(e.target.value))} aria-label="traffic window">
        {WINDOWS.map((w) => (
          <option key={w.seconds} value={w.seconds}>
            {w.label}
          </option>
        ))}
      </select>
    </label>
  );
}
