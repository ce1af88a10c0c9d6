import sys, json
from vastai import VastAI
v = VastAI(api_key=open("/tmp/vast-rec/key").read().strip(), server_url="http://127.0.0.1:18778")
def step(name, f):
    open("/tmp/vast-rec/tag", "w").write("sdk-" + name)
    try:
        r = f(); print(name, "->", json.dumps(r, default=str)[:200])
    except Exception as e:
        print(name, "!!", type(e).__name__, str(e)[:200])
step("create", lambda: v.create_instance(id=42, image="debian:12", disk=4, label="sdk"))
step("list", lambda: v.show_instances())
step("show", lambda: v.show_instance(id=7))
step("execute", lambda: v.execute(id=7, command="ls -a /workspace"))
step("label", lambda: v.label_instance(id=7, label="sdk-renamed"))
step("stop", lambda: v.stop_instance(id=7))
step("start", lambda: v.start_instance(id=7))
step("destroy", lambda: v.destroy_instance(id=7))
