"""The official openai package through the vault: plain and streaming chat, given only the token and base_url."""
import json
import os
import sys

from openai import OpenAI

client = OpenAI(api_key=os.environ["OKAP_TOKEN"], base_url=os.environ["OKAP_BASE_URL"], max_retries=0)
reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hello"}])
streamed = ""
for chunk in client.chat.completions.create(
    model="gpt-4o-mini", messages=[{"role": "user", "content": "hello"}], stream=True
):
    if chunk.choices and chunk.choices[0].delta.content:
        streamed += chunk.choices[0].delta.content
try:
    client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hello"}])
    refused = None
except Exception as error:  # the SDK's own typed error, e.g. PermissionDeniedError
    refused = type(error).__name__
json.dump({"reply": reply.choices[0].message.content, "streamed": streamed, "refused": refused}, sys.stdout)
