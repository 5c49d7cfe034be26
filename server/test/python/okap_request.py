"""A small client of POST /okap/request, the okap Python SDK 0.1 wire format: one request, held open
by the vault until the owner decides; any answer is HTTP 200 and says approved true or false."""
import json
import sys
import urllib.request

vault_url = sys.argv[1]
body = {
    "okap": "1.0",
    "provider": "openai",
    "models": ["gpt-4o-mini"],
    "capabilities": ["chat"],
    "limits": {"monthly_spend": 5.0, "requests_per_minute": 20},
    "reason": "Python script",
    "app_name": sys.argv[2] if len(sys.argv) > 2 else "Python script",
    "app_url": "https://script.example",
}
request = urllib.request.Request(
    vault_url + "/okap/request",
    data=json.dumps(body).encode(),
    headers={"Content-Type": "application/json"},
    method="POST",
)
with urllib.request.urlopen(request, timeout=30) as response:
    json.dump({"status": response.status, "body": json.load(response)}, sys.stdout)
