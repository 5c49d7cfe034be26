export function ActivityPage() {
  return (
    <section>
      <h2>Activity</h2>
      <p>No calls yet. Every call an app makes through the vault will be listed here with its cost.</p>
    </section>
  );
}
