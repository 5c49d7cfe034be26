/**
 * Migration 2: the admission as one SQL function, so that admitting a call is one round trip
 * (one statement, so one transaction) instead of five. The rules are those of the extension's
 * ledger (lib/limits/ledger.ts), in its order: spend (the counter's spent plus what open
 * reservations hold plus this call's bound, against each cap), then requests per minute (a
 * sliding 60 s window of admission times), then requests per day. Periods only roll forward.
 *
 * Exact across processes: the upsert takes the detail's counter row lock first, and every later
 * statement in the function (a VOLATILE plpgsql function under READ COMMITTED) takes a fresh
 * snapshot, so it sees every reservation committed before the lock was granted.
 *
 * Answers `{ok: true, day, month}`, or `{ok: false, kind, oldest?}` (`oldest`: the window's oldest
 * admission, for retry-after; absent for the per-day limit). A refusal writes nothing.
 */
export const ADMIT_FUNCTION = `
CREATE OR REPLACE FUNCTION okap_admit(
  p_id text, p_grant text, p_provider text, p_now double precision, p_day text, p_month text,
  p_amount double precision, p_daily double precision, p_monthly double precision,
  p_rpm double precision, p_rpd double precision, p_label jsonb, p_instance integer
) RETURNS jsonb LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  c counters%ROWTYPE;
  held_day double precision := 0;
  held_month double precision := 0;
  kept double precision[];
BEGIN
  INSERT INTO counters AS k (grant_id, provider, day, day_requests, day_spent_usd, month, month_spent_usd, recent)
  VALUES (p_grant, p_provider, '', 0, 0, '', 0, '{}')
  ON CONFLICT (grant_id, provider) DO UPDATE SET grant_id = k.grant_id
  RETURNING * INTO c;
  IF p_day > c.day THEN c.day := p_day; c.day_requests := 0; c.day_spent_usd := 0; END IF;
  IF p_month > c.month THEN c.month := p_month; c.month_spent_usd := 0; END IF;
  IF (p_daily IS NOT NULL OR p_monthly IS NOT NULL) AND p_amount > 0 THEN
    SELECT COALESCE(SUM(amount_usd) FILTER (WHERE day = c.day), 0), COALESCE(SUM(amount_usd) FILTER (WHERE month = c.month), 0)
      INTO held_day, held_month FROM reservations WHERE grant_id = p_grant AND provider = p_provider;
    IF (p_daily IS NOT NULL AND c.day_spent_usd + held_day + p_amount > p_daily)
       OR (p_monthly IS NOT NULL AND c.month_spent_usd + held_month + p_amount > p_monthly) THEN
      RETURN jsonb_build_object('ok', false, 'kind', 'budget_exhausted');
    END IF;
  END IF;
  kept := ARRAY(SELECT t FROM unnest(c.recent) AS t WHERE t > p_now - 60000 ORDER BY t);
  IF p_rpm IS NOT NULL AND cardinality(kept) >= p_rpm THEN
    RETURN jsonb_build_object('ok', false, 'kind', 'rate_limited', 'oldest', kept[1]);
  END IF;
  IF p_rpd IS NOT NULL AND c.day_requests >= p_rpd THEN
    RETURN jsonb_build_object('ok', false, 'kind', 'rate_limited');
  END IF;
  IF p_rpm IS NOT NULL THEN kept := kept || p_now; ELSE kept := '{}'; END IF;
  UPDATE counters SET day = c.day, day_requests = c.day_requests + 1, day_spent_usd = c.day_spent_usd,
      month = c.month, month_spent_usd = c.month_spent_usd, recent = kept
    WHERE grant_id = p_grant AND provider = p_provider;
  INSERT INTO reservations (id, grant_id, provider, amount_usd, day, month, created_at, label, instance)
    VALUES (p_id, p_grant, p_provider, p_amount, c.day, c.month, p_now, p_label, p_instance);
  RETURN jsonb_build_object('ok', true, 'day', c.day, 'month', c.month);
END
$fn$;
`;
