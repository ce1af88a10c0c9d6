import http.server, json, sys, urllib.request, urllib.error, threading
UP = sys.argv[2]; OUT = sys.argv[3]; LOCK = threading.Lock()
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def handle_one(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        hdrs = {k: v for k, v in self.headers.items() if k.lower() not in ("content-length", "connection", "accept-encoding")}
        req = urllib.request.Request(UP + self.path, data=body if body else None, method=self.command, headers=hdrs)
        try:
            r = urllib.request.urlopen(req); status = r.status; rb = r.read(); rh = dict(r.headers)
        except urllib.error.HTTPError as e:
            status = e.code; rb = e.read(); rh = dict(e.headers)
        rec = {"tag": open("/tmp/vast-rec/tag").read().strip(), "method": self.command, "path": self.path,
               "headers": {k: v for k, v in self.headers.items() if k.lower() in ("authorization", "content-type")},
               "body": body.decode("utf-8", "replace"), "status": status,
               "content_type": rh.get("Content-Type"), "response": rb.decode("utf-8", "replace")}
        with LOCK:
            with open(OUT, "a") as f: f.write(json.dumps(rec) + "\n")
        self.send_response(status)
        for k, v in rh.items():
            if k.lower() not in ("content-length", "connection", "transfer-encoding", "date"): self.send_header(k, v)
        self.send_header("Content-Length", str(len(rb))); self.end_headers(); self.wfile.write(rb)
    do_GET = do_PUT = do_POST = do_DELETE = handle_one
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
