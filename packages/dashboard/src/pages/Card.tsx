export function Card({ title, value, testId }: { title: string; value: string; testId?: string }) {
  return (
    <div className="card" data-testid={testId}>
      <div className="muted">{title}</div>
      <div className="big">{value}</div>
    </div>
  );
}
