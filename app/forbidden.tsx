import Link from "next/link";

export default function Forbidden() {
  return (
    <div className="auth-page">
      <div className="card auth-card stack">
        <h1>403 · Not allowed</h1>
        <p className="muted">Your roles do not give access to this page. An admin can grant the role it needs.</p>
        <Link href="/fleet">Back to the fleet</Link>
      </div>
    </div>
  );
}
