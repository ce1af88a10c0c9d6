#!/bin/bash
# Records what the official Vast clients send to Runcell and what they accept (-> rec.jsonl, converted to
# recorded-clients.json with the key replaced by ${KEY}). Not run by the build. To re-record:
#   git archive v1.0.13 of github.com/vast-ai/vast-cli into /tmp/vast-old, master into /tmp/vast-new;
#   apt-get install python3-requests python3-rich; copy this directory to /tmp/vast-rec;
#   start a fresh Runcell on port 18777, put a read:vm+write:vm key in /tmp/vast-rec/key; run this script,
#   then `vast.py show instances-v1 --limit 2 --all` and `show instances -q` (tags new-list-v1-paged-all,
#   new-list-all) through the proxy.
set -u
cd /tmp/vast-rec
rm -f rec.jsonl; rm -rf home-*
kill $(cat proxy.pid) 2>/dev/null; sleep 0.5
python3 proxy.py 18778 http://127.0.0.1:18777 /tmp/vast-rec/rec.jsonl > proxy.log 2>&1 & echo $! > proxy.pid
sleep 1
K=$(cat key); U=http://127.0.0.1:18778
export VAST_URL=$U COLUMNS=200
t() { echo "$1" > tag; }
O() { HOME=/tmp/vast-rec/home-old timeout 90 /usr/bin/python3 /tmp/vast-old/vast.py --url $U --api-key $K "$@" 2>&1 | tail -2 | cut -c1-160; }
N() { HOME=/tmp/vast-rec/home-new timeout 90 /usr/bin/python3 /tmp/vast-new/vast.py --url $U --api-key $K "$@" 2>&1 | tail -2 | cut -c1-160; }
P() { HOME=/tmp/vast-rec/home-pkg PYTHONPATH=/tmp/vast-new timeout 90 /usr/bin/python3 -c 'import sys; from vastai.cli.main import main; sys.exit(main())' --url $U --api-key $K "$@" 2>&1 | tail -2 | cut -c1-160; }
mkdir -p home-old home-new home-pkg home-sdk
t old-create; O create instance 1234 --image ubuntu:22.04 --disk 10 --label first --env "-e FOO=bar -p 8080:8080"
O create instance 1234 --image ubuntu:22.04 --disk 10
t old-list; O show instances --raw
t old-show; O show instance 1
t old-execute; O execute 1 'ls -a /workspace'
t old-execute-denied; O execute 1 'cat /etc/passwd'
t old-stop; O stop instance 1
t old-execute-stopped; O execute 1 'ls'
t old-start; O start instance 1
t old-bulk-stop; O stop instances 1 2
t old-bulk-start; O start instances 1 2
t old-label; O label instance 1 "my job"
t old-destroy; O destroy instance 2
t old-execute-destroyed; O execute 2 'ls'
t old-wrong-key; HOME=/tmp/vast-rec/home-old timeout 60 /usr/bin/python3 /tmp/vast-old/vast.py --url $U --api-key wrongkey show instances 2>&1 | tail -1
t new-create; for i in 1 2 3; do N create instance 99 --image debian:12 --disk 5 --label batch; done
t new-list; N show instances --raw
t new-list-v1-paged; N show instances-v1 --limit 2 --all --raw
t new-list-v1-filtered; N show instances-v1 --label batch --raw
t new-show; N show instance 3 --raw
t new-execute; N execute 3 'ls -a /workspace'
t new-stop; N stop instance 3
t new-start; N start instance 3
t new-bulk-stop; N stop instances 4 5
t new-bulk-start; N start instances 4 5
t new-label; N label instance 4 renamed
t new-destroy; N destroy instance 5
t new-wrong-key; HOME=/tmp/vast-rec/home-new timeout 60 /usr/bin/python3 /tmp/vast-new/vast.py --url $U --api-key nope show instance 3 2>&1 | tail -1
t pkg-list; P show instances --raw
t pkg-create; P create instance 7 --image alpine --disk 3 --label pkg
t pkg-show; P show instance 6 --raw
t pkg-label; P label instance 6 pkg2
t pkg-stop; P stop instance 6
t pkg-start; P start instances 6
t pkg-destroy; P destroy instance 6 --yes
HOME=/tmp/vast-rec/home-sdk PYTHONPATH=/tmp/vast-new timeout 120 /usr/bin/python3 sdk_flow.py 2>&1 | tail -10
kill $(cat proxy.pid)
