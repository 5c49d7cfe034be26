/**
 * Migration 3: the write-ahead ledger (issue 13) and the overrun hold. Migration 2 stays as
 * shipped; this one replaces its function with one that also
 * - inserts the call's `started` usage row (a jsonb of the usage table's columns) under the
 *   reservation's id, in the same statement as the counters and the reservation, so a call the
 *   provider can see always has a row and a reservation that survive a crash;
 * - refuses a priced call of a detail held by an overrun (`counters.overrun`, set by a
 *   settlement above its reservation under a spend limit, server/ledger/sql-ledger.ts), until
 *   the owner acknowledges it or the day it was billed in ends: lib/limits/ledger.ts's rules,
 *   in its order (price, hold, spend, per minute, per day);
 * - marks the reservation `spend_limited`, which is what lets its settlement set a hold.
 */
export const LEDGER_V3 = `
ALTER TABLE counters ADD COLUMN overrun jsonb;
ALTER TABLE reservations ADD COLUMN spend_limited boolean NOT NULL DEFAULT false;
DROP FUNCTION okap_admit(text, text, text, double precision, text, text, double precision, double precision, double precision, double precision, double precision, jsonb, integer);
CREATE FUNCTION okap_admit(
  p_id text, p_grant text, p_provider text, p_now double precision, p_day text, p_month text,
  p_amount double precision, p_daily double precision, p_monthly double precision,
  p_rpm double precision, p_rpd double precision, p_label jsonb, p_instance integer, p_row jsonb
) RETURNS jsonb LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  c counters%ROWTYPE;
  limited boolean := p_daily IS NOT NULL OR p_monthly IS NOT NULL;
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
  -- A hold ends with the day it was billed in.
  IF c.overrun IS NOT NULL AND c.day > c.overrun->>'day' THEN c.overrun := NULL; END IF;
  -- A free call (models list, token count) never spends, so neither a hold nor a budget blocks it.
  IF limited AND p_amount > 0 AND c.overrun IS NOT NULL THEN
    RETURN jsonb_build_object('ok', false, 'kind', 'overrun_hold', 'overrun', c.overrun);
  END IF;
  IF limited AND p_amount > 0 THEN
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
      month = c.month, month_spent_usd = c.month_spent_usd, recent = kept, overrun = c.overrun
    WHERE grant_id = p_grant AND provider = p_provider;
  INSERT INTO reservations (id, grant_id, provider, amount_usd, day, month, created_at, label, instance, spend_limited)
    VALUES (p_id, p_grant, p_provider, p_amount, c.day, c.month, p_now, p_label, p_instance, limited);
  IF p_row IS NOT NULL THEN
    INSERT INTO usage SELECT * FROM jsonb_populate_record(NULL::usage, p_row || jsonb_build_object('id', p_id));
  END IF;
  RETURN jsonb_build_object('ok', true, 'day', c.day, 'month', c.month);
END
$fn$;
`;
