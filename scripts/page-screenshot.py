"""Drives the chat page of a running `supportkit serve` in headless Chromium (DevTools protocol) and saves a
screenshot after a two-turn conversation that escalates.

Usage: .venv-load/bin/python scripts/page-screenshot.py PORT API_KEY OUT.png
Needs: chromium (apt-get install -y chromium) and the `websockets` package (scripts/load-test.sh makes .venv-load).
"""
import asyncio, json, subprocess, time, urllib.request, base64, sys
import websockets

PORT = int(sys.argv[1]); KEY = sys.argv[2]; OUT = sys.argv[3]
chrome = subprocess.Popen(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=9333",
                           "--window-size=1200,900", "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(100):
        try:
            targets = json.load(urllib.request.urlopen("http://127.0.0.1:9333/json")); break
        except Exception:
            time.sleep(0.1)
    page = next(t for t in targets if t["type"] == "page")

    async def main():
        async with websockets.connect(page["webSocketDebuggerUrl"], max_size=50_000_000) as ws:
            n = 0
            async def call(method, **params):
                nonlocal n; n += 1; my = n
                await ws.send(json.dumps({"id": my, "method": method, "params": params}))
                while True:
                    msg = json.loads(await ws.recv())
                    if msg.get("id") == my: return msg
            async def js(expr):
                r = await call("Runtime.evaluate", expression=expr, awaitPromise=True)
                return r.get("result", {}).get("result", {}).get("value")
            await call("Emulation.setDeviceMetricsOverride", width=1200, height=900, deviceScaleFactor=1, mobile=False)
            await call("Page.navigate", url=f"http://127.0.0.1:{PORT}/")
            await asyncio.sleep(1.5)
            await js(f"document.getElementById('key').value='{KEY}'; document.getElementById('customer').value='c-1042'; document.getElementById('connect').click(); 1")
            await asyncio.sleep(1.0)
            print("status:", await js("document.getElementById('statusText').textContent"))
            for text in ["I was charged twice for my subscription this month", "Third time this happens. Get me a human."]:
                await js(f"document.getElementById('text').value={json.dumps(text)}; document.getElementById('compose').requestSubmit(); 1")
                await asyncio.sleep(1.2)
            print("messages:", await js("document.querySelectorAll('.msg').length"))
            print("banner:", await js("document.getElementById('banner').className + ' | ' + document.getElementById('bannerText').textContent"))
            shot = await call("Page.captureScreenshot", format="png")
            open(OUT, "wb").write(base64.b64decode(shot["result"]["data"]))
    asyncio.run(main())
finally:
    chrome.terminate(); chrome.wait(timeout=10)
