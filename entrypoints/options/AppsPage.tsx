export function AppsPage() {
  return (
    <section>
      <h2>Apps</h2>
      <p>No app has access yet. When a site asks for access through OKAP, it appears here.</p>
    </section>
  );
}
