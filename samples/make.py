#!/usr/bin/env python3
"""Regenerate the sample messages in this directory, byte for byte.

Usage: python3 samples/make.py [--out DIR]

Writes into this directory, or into DIR (created if missing) with `--out`;
the old positional form `make.py DIR` still works. tests/generators.rs runs
it into a temporary directory and compares every file with the committed one.

Every Content-Length, Byte-Range and multipart body is computed here, so edit
this file rather than the samples. Output is CRLF throughout.
"""
import argparse, os

_ap = argparse.ArgumentParser(description="Regenerate the sample messages, byte for byte.")
_ap.add_argument("--out", metavar="DIR", help="write into DIR instead of samples/")
_ap.add_argument("outdir", nargs="?", help=argparse.SUPPRESS)  # old form: make.py DIR
_args = _ap.parse_args()
OUT = _args.out or _args.outdir or os.path.dirname(os.path.abspath(__file__))
CRLF = "\r\n"

def b(s):
    return s.encode("utf-8")

def lines(*ls):
    """Lines each terminated by CRLF."""
    return "".join(l + CRLF for l in ls)

def sip(start, headers, body="", cl_name="Content-Length"):
    """SIP message: headers (list of 'Name: value'), Content-Length appended last, body framed by it."""
    hs = list(headers) + [f"{cl_name}: {len(b(body))}"]
    return start + CRLF + "".join(h + CRLF for h in hs) + CRLF + body

def msrp(tid, start_rest, headers, body=None, ctype=None, flag="$", byte_range=None):
    """MSRP request/response. If body is not None, Byte-Range (if given as (first,total) or 'auto')
    is added before Content-Type, which is last."""
    hs = list(headers)
    out = f"MSRP {tid} {start_rest}" + CRLF
    if body is None:
        out += "".join(h + CRLF for h in hs)
        return out + f"-------{tid}{flag}" + CRLF
    n = len(b(body))
    if byte_range == "auto":
        hs.append(f"Byte-Range: 1-{n}/{n}")
    elif byte_range is not None:
        first, total = byte_range
        hs.append(f"Byte-Range: {first}-{first + n - 1}/{total}")
    hs.append(f"Content-Type: {ctype}")
    out += "".join(h + CRLF for h in hs)
    return out + CRLF + body + CRLF + f"-------{tid}{flag}" + CRLF

def multipart(boundary, parts, close=True):
    """RFC 2046 body: each part is (header-lines, content). The CRLF before every
    delimiter belongs to the delimiter; no preamble, no epilogue."""
    out = ""
    for i, (hdrs, content) in enumerate(parts):
        out += ("" if i == 0 else CRLF) + "--" + boundary + CRLF
        out += "".join(h + CRLF for h in hdrs) + CRLF + content
    if close:
        out += CRLF + "--" + boundary + "--"
    return out

def write(name, text):
    os.makedirs(OUT, exist_ok=True)
    assert "\n" not in text.replace("\r\n", ""), name
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        f.write(b(text))

# ---------------------------------------------------------------- constants
UA = "User-Agent: IM-client/OMA1.0 ExampleVendor-IM/1.2"
SERVER = "Server: IM-serv/OMA1.0 ExampleVendor-IMS/3.4"
PAGER_DATE = "Thu, 21 Feb 2002 13:02:03 GMT"
LMM_DATE = "Thu, 21 Feb 2005 13:02:03 GMT"
B = "boundary42"
# RFC 4975 ident = ALPHANUM 3*31ident-char (4..32 chars): the CR's "456", "452"
# and "453" are too short, so they are written as these valid idents.
MID_RX = "msg456"       # Message-ID of the SEND(s) received from user1
MID_PAGER = "msg452"    # Message-ID of the pushed SEND carrying the pager MESSAGE
MID_LMM = "msg453"      # Message-ID of the pushed SEND carrying the LMM message
PUSH_TO = "To-Path: msrp://user2.imserver.com:7777/iau39;tcp"
PUSH_FROM = "From-Path: msrp://imserver.com:8888/9di4ea;tcp"

# ---------------------------------------------------------------- 1. pager
PAGER_TEXT = "Watson, come here."
pager_hdrs = [
    "Via: SIP/2.0/TCP user1pc.imserver.com;branch=z9hG4bK776sgdkse",
    "Max-Forwards: 70",
    "From: sip:user1@imserver.com;tag=49583",
    "To: sip:user2@imserver.com",
    "P-Asserted-Identity: sip:user1@imserver.com",
    "Accept-Contact: *;+g.oma.sip-im",
    UA,
    "P-Charging-Vector: icid-value=1234bc9876e;icid-generated-at=192.0.2.8;orig-ioi=home1.net",
    "P-Charging-Function-Addresses: ccf=192.0.2.1;ccf=192.0.2.2;ecf=192.0.2.3",
    "Call-ID: asd88asd77a@1.2.3.4",
    "CSeq: 1 MESSAGE",
    "Content-Type: text/plain",
]
PAGER_START = "MESSAGE sip:user2@imserver.com SIP/2.0"
pager = sip(PAGER_START, pager_hdrs, PAGER_TEXT)
write("pager-message.sip", pager)

# ---------------------------------------------------------------- 2/3. LMM session
LMM_TEXT = "Hi, Alice!  I'm Bob!"
SDP_OFFER = lines(
    "v=0",
    "o=user1 2890844526 2890844526 IN IP4 user1.imserver.com",
    "s=-",
    "c=IN IP4 user1.imserver.com",
    "t=0 0",
    "m=message 7654 TCP/MSRP *",
    "a=accept-types:text/plain",
    "a=path:msrp://user1.imserver.com:7654/jshA7we;tcp",
)
SDP_ANSWER = lines(
    "v=0",
    "o=imserver 2890844730 2890844730 IN IP4 imserver.com",
    "s=-",
    "c=IN IP4 imserver.com",
    "t=0 0",
    "m=message 12763 TCP/MSRP *",
    "a=accept-types:text/plain",
    "a=path:msrp://imserver.com:12763/kjhd37s2s2;tcp",
)
TO = "To: <sip:user2@imserver.com>"
TO_T = "To: <sip:user2@imserver.com>;tag=087js"
FROM = "From: <sip:user1@imserver.com>;tag=786"
PAI = "P-Asserted-Identity: <sip:user1@imserver.com>"
CID = "Call-ID: 3413an89KU"
SUBJECT = "Subject: Large message test"
VIA_INV = "Via: SIP/2.0/TCP user1pc.imserver.com;branch=z9hG4bK74bf9a3e"
invite = sip("INVITE sip:user2@imserver.com SIP/2.0", [
    VIA_INV,
    "Max-Forwards: 70",
    TO, FROM, PAI, CID,
    "CSeq: 1 INVITE",
    "Contact: <sip:user1@user1pc.imserver.com;transport=tcp>;+g.oma.sip-im",
    "Accept-Contact: *;+g.oma.sip-im",
    UA,
    "Supported: timer",
    "Session-Expires: 1800;refresher=uac",
    SUBJECT,
    "Content-Type: application/sdp",
], SDP_OFFER)
ok = sip("SIP/2.0 200 OK", [
    VIA_INV,
    TO_T, FROM, CID,
    "CSeq: 1 INVITE",
    "Contact: <sip:user2@imserver.com>;+g.oma.sip-im",
    "Require: timer",
    "Session-Expires: 1800;refresher=uac",
    SERVER,
    "Content-Type: application/sdp",
], SDP_ANSWER)
ack = sip("ACK sip:user2@imserver.com SIP/2.0", [
    "Via: SIP/2.0/TCP user1pc.imserver.com;branch=z9hG4bK74bfa0c1",
    "Max-Forwards: 70",
    TO_T, FROM, CID,
    "CSeq: 1 ACK",
    UA,
])
bye = sip("BYE sip:user2@imserver.com SIP/2.0", [
    "Via: SIP/2.0/TCP user1pc.imserver.com;branch=z9hG4bK74bfb7d2",
    "Max-Forwards: 70",
    TO_T, FROM, CID,
    "CSeq: 2 BYE",
    UA,
])
RX_TO = "To-Path: msrp://imserver.com:12763/kjhd37s2s2;tcp"
RX_FROM = "From-Path: msrp://user1.imserver.com:7654/jshA7we;tcp"
total = len(b(LMM_TEXT))
split = LMM_TEXT.index("!") + 1          # "Hi, Alice!" | "  I'm Bob!"
c1, c2 = LMM_TEXT[:split], LMM_TEXT[split:]
send1 = msrp("dkei38sd", "SEND", [RX_TO, RX_FROM, "Message-ID: " + MID_RX], c1, "text/plain", "+", (1, total))
send2 = msrp("dkei38se", "SEND", [RX_TO, RX_FROM, "Message-ID: " + MID_RX], c2, "text/plain", "$", (1 + len(b(c1)), total))
send_one = msrp("dkei38sd", "SEND", [RX_TO, RX_FROM, "Message-ID: " + MID_RX], LMM_TEXT, "text/plain", "$", "auto")
write("lmm-session.txt", invite + ok + ack + send1 + send2 + bye)
write("lmm-session-one-send.txt", invite + ok + ack + send_one + bye)

# ---------------------------------------------------------------- 4. anonymous pager
anon = sip("MESSAGE sip:user2@imserver.com SIP/2.0", [
    "Via: SIP/2.0/TCP user3pc.imserver.com;branch=z9hG4bK4b43c2ff8",
    "Max-Forwards: 70",
    'From: "Anonymous" <sip:anonymous@anonymous.invalid>;tag=9fxced76sl',
    "To: <sip:user2@imserver.com>",
    "P-Asserted-Identity: <sip:user3@imserver.com>",
    "Privacy: id",
    "Accept-Contact: *;+g.oma.sip-im",
    UA,
    "Call-ID: 7a9f3c21e5@192.0.2.33",
    "CSeq: 1 MESSAGE",
    "Content-Type: text/plain",
], "Guess who is writing?")
write("pager-message-anonymous.sip", anon)

# ---------------------------------------------------------------- 5/6. message summary
SUMMARY = lines(
    "Messages-Waiting: yes",
    "Message-Account: sip:charlie@mailserver.example.com",
    "Text-Message: 2/0 (1/0)",
    "",
    "To: <sip:charlie@example.com>",
    "From: <sip:alice@example.org>",
    "Subject: carpool tomorrow?",
    "Date: Sun, 09 Jul 2000 21:23:01 -0700",
    "Priority: normal",
    "Message-ID: 32098d@alicepc.example.org",
    "",
    "To: <sip:charlie@example.com>",
    "From: <sip:Joe@example.com>",
    "Subject: HELP! at home ill, present for me please",
    "Date: Sun, 09 Jul 2000 21:25:12 -0700",
    "Priority: urgent",
    "Message-ID: d0982dkjs@Joemobile.example.net",
)
notify = sip("NOTIFY sip:charlie@pc.example.com SIP/2.0", [
    "Via: SIP/2.0/TCP mailserver.example.com;branch=z9hG4bKnotify31",
    "Max-Forwards: 70",
    "To: <sip:charlie@example.com>;tag=78923",
    "From: <sip:mailserver.example.com>;tag=4442",
    "Date: Mon, 10 Jul 2000 04:28:53 GMT",
    "Contact: <sip:mailserver.example.com>",
    "Call-ID: adsf0923jsdjw",
    "CSeq: 31 NOTIFY",
    "Event: message-summary",
    "Subscription-State: active",
    "Content-Type: application/simple-message-summary",
], SUMMARY)
write("message-summary-notify.sip", notify)
write("message-summary.txt", SUMMARY)

# ---------------------------------------------------------------- 7. pushed pager (CR)
REMOVE = {"via", "route", "record-route", "path", "service-route", "max-forwards",
          "p-charging-vector", "p-charging-function-addresses"}
stored = []
for h in pager_hdrs:
    if h.split(":", 1)[0].lower() in REMOVE:
        continue
    stored.append(h)
    if h.startswith("Call-ID:"):
        stored.append("Date: " + PAGER_DATE)      # D.2 places Date after Call-ID
pushed_pager_inner = sip(PAGER_START, stored, PAGER_TEXT)
body = multipart(B, [(["Content-Type: message/sip"], pushed_pager_inner)])
write("pushed-pager.msrp", msrp("dkei38sd", "SEND", [PUSH_TO, PUSH_FROM, "Message-ID: " + MID_PAGER],
                               body, f"multipart/mixed; boundary={B}", "$", "auto"))

# ---------------------------------------------------------------- 8. pushed LMM (CR)
# The relevant headers in the order of the stored INVITE, as in the CR's
# example (To, From, P-Asserted-Identity, Call-ID, Date); the Date the server
# adds comes last. Headers only: no null line, no body (RFC 3420).
sipfrag = lines("INVITE sip:user2@imserver.com SIP/2.0", TO, FROM, PAI, CID, SUBJECT,
                "Date: " + LMM_DATE)
msrpfrag = lines("MSRP dkei38sd SEND", "Message-ID: " + MID_RX, "Content-Type: text/plain", "",
                 LMM_TEXT, "-------dkei38sd$")
body = multipart(B, [(["Content-Type: message/sipfrag"], sipfrag),
                     (["Content-Type: message/msrpfrag"], msrpfrag)])
write("pushed-lmm.msrp", msrp("elfj49te", "SEND", [PUSH_TO, PUSH_FROM, "Message-ID: " + MID_LMM],
                             body, f"multipart/mixed; boundary={B}", "$", "auto"))

# ---------------------------------------------------------------- 9. broken samples
# 9a. Appendix K pager: message/sip directly, Via + Max-Forwards kept (000)
k_pager = sip(PAGER_START, [
    "Via: SIP/2.0/TCP user1pc.imserver.com;branch=z9hG4bK776sgdkse",
    "Max-Forwards: 70",
    "From: sip:user1@imserver.com;tag=49583",
    "To: sip:user2@imserver.com",
    "Call-ID: asd88asd77a@1.2.3.4",
    "Date: " + PAGER_DATE,
    "CSeq: 1 MESSAGE",
    "Content-Type: text/plain",
], PAGER_TEXT)
write("broken-appendix-k-pager.msrp", msrp("dkei38sd", "SEND", [PUSH_TO, PUSH_FROM, "Message-ID: " + MID_PAGER],
                                          k_pager, "message/sip", "$", "auto"))

def old_lmm_parts(accept_contact, dates):
    inv_h = [TO, FROM]
    if accept_contact:
        inv_h.append(accept_contact)
    inv_h += [CID, "CSeq: 1 INVITE", "Date: " + dates[0], "Content-Type: application/sdp"]
    p_inv = sip("INVITE sip:user2@imserver.com SIP/2.0", inv_h, SDP_OFFER)
    p_ok = sip("SIP/2.0 200 OK", [TO_T, FROM, CID, "CSeq: 1 INVITE", "Date: " + dates[0],
                                  "Content-Type: application/sdp"], SDP_ANSWER)
    p_msrp = lines("MSRP dkei38sd SEND", RX_TO, RX_FROM, "Message-ID: " + MID_RX, "Date: " + dates[1],
                   "Content-Type: text/plain", "", LMM_TEXT, "-------dkei38sd$")
    p_bye = sip("BYE sip:user2@imserver.com SIP/2.0", [TO_T, FROM, CID, "CSeq: 2 BYE", "Date: " + dates[2]])
    return [(["Content-Type: message/sip"], p_inv),
            (["Content-Type: message/sip"], p_ok),
            (["Content-Type: message/msrp"], p_msrp),
            (["Content-Type: message/sip"], p_bye)]

# 9b. Appendix K LMM (000). Outer transaction id changed from dkei38sd (which would
# collide with the inner end-line) to elfj49te so that the framing stays intact.
body = multipart(B, old_lmm_parts(None, [LMM_DATE] * 3))
write("broken-appendix-k-lmm.msrp", msrp("elfj49te", "SEND", [PUSH_TO, PUSH_FROM, "Message-ID: " + MID_LMM],
                                        body, f'multipart/mixed; boundary="{B}"', "$", "auto"))

# 9c. 004 LMM: as 9b plus Accept-Contact kept, distinct Dates.
body = multipart(B, old_lmm_parts(
    'Accept-Contact: *;+g.oma.sip-im;+g.3gpp.app_ref="urn%3Aurn-7%3A3gpp-application.ims.iari.oma-im"',
    [LMM_DATE, "Thu, 21 Feb 2005 13:02:04 GMT", "Thu, 21 Feb 2005 13:02:05 GMT"]))
write("broken-004-lmm.msrp", msrp("elfj49te", "SEND", [PUSH_TO, PUSH_FROM, "Message-ID: " + MID_LMM],
                                 body, f'multipart/mixed; boundary="{B}"', "$", "auto"))

# 9d. 001 pushed pager with its typos: smart-quoted boundary, close delimiter before the
# first part, Via and Max-Forwards kept. Otherwise framed correctly.
typo_inner = sip(PAGER_START, [
    "Via: SIP/2.0/TCP user1pc.imserver.com;branch=z9hG4bK776sgdkse",
    "Max-Forwards: 70",
    "From: sip:user1@imserver.com;tag=49583",
    "To: sip:user2@imserver.com",
    "P-Asserted-Identity: sip:user1@imserver.com",
    "Call-ID: asd88asd77a@1.2.3.4",
    "Date: " + PAGER_DATE,
    "CSeq: 1 MESSAGE",
    "Content-Type: text/plain",
], PAGER_TEXT)
body = ("--" + B + "--" + CRLF + "Content-Type: message/sip" + CRLF + CRLF + typo_inner
        + CRLF + "--" + B + "--")
write("broken-cr-typos.msrp", msrp("dkei38sd", "SEND", [PUSH_TO, PUSH_FROM, "Message-ID: " + MID_PAGER],
                                  body, "multipart/mixed; boundary=\u201d" + B + "\u201d", "$", "auto"))

# 9e. 001 stored LMM typos: Content-Type= (no colon) part headers, close delimiter
# used as the separator between the parts, and no close delimiter at the end.
typo_sipfrag = lines("INVITE sip:user2@imserver.com SIP/2.0", TO, FROM, PAI, CID, "Date: " + LMM_DATE)
body = ("--" + B + CRLF + "Content-Type=message/sipfrag" + CRLF + CRLF + typo_sipfrag
        + CRLF + "--" + B + "--" + CRLF + "Content-Type=message/msrpfrag" + CRLF + CRLF + msrpfrag)
write("broken-cr-lmm-typos.msrp", msrp("elfj49te", "SEND", [PUSH_TO, PUSH_FROM, "Message-ID: " + MID_LMM],
                                      body, f'multipart/mixed; boundary="{B}"', "$", "auto"))

# ---------------------------------------------------------------- 10. mixed capture
KA = CRLF + CRLF   # RFC 5626 double-CRLF keep-alive ping
reg = sip("REGISTER sip:imserver.com SIP/2.0", [
    "Via: SIP/2.0/TCP user2pc.imserver.com;branch=z9hG4bKnashds7",
    "Max-Forwards: 70",
    "To: <sip:user2@imserver.com>",
    "From: <sip:user2@imserver.com>;tag=456248",
    "Call-ID: 843817637684230@998sdasdh09",
    "CSeq: 1826 REGISTER",
    "Contact: <sip:user2@user2pc.imserver.com;transport=tcp>;+g.oma.sip-im",
    "Expires: 7200",
    UA,
])
reg_ok = sip("SIP/2.0 200 OK", [
    "Via: SIP/2.0/TCP user2pc.imserver.com;branch=z9hG4bKnashds7;received=192.0.2.4",
    "To: <sip:user2@imserver.com>;tag=2493k59kd",
    "From: <sip:user2@imserver.com>;tag=456248",
    "Call-ID: 843817637684230@998sdasdh09",
    "CSeq: 1826 REGISTER",
    "Contact: <sip:user2@user2pc.imserver.com;transport=tcp>;+g.oma.sip-im;expires=7200",
    "Date: Thu, 21 Feb 2002 13:05:12 GMT",
    SERVER,
])
SDP_C = lines(
    "v=0",
    "o=user1 2890844900 2890844900 IN IP4 user1pc.imserver.com",
    "s=-",
    "c=IN IP4 user1pc.imserver.com",
    "t=0 0",
    "m=message 2855 TCP/MSRP *",
    "a=accept-types:text/plain",
    "a=path:msrp://user1pc.imserver.com:2855/s8n2k4;tcp",
)
compact = sip("INVITE sip:user2@imserver.com SIP/2.0", [
    "v: SIP/2.0/TCP user1pc.imserver.com;branch=z9hG4bKc0mp4c7",
    "Max-Forwards: 70",
    "f: <sip:user1@imserver.com>;tag=a73kszlfl",
    "t: <sip:user2@imserver.com>",
    "i: 5f2b7e90c1@user1pc.imserver.com",
    "CSeq: 1 INVITE",
    "m: <sip:user1@user1pc.imserver.com;transport=tcp>;+g.oma.sip-im",
    "a: *;+g.oma.sip-im",
    "k: timer",
    UA,
    "c: application/sdp",
], SDP_C, cl_name="l")
C_TO = "To-Path: msrp://user2pc.imserver.com:2855/t93ks0;tcp"
C_FROM = "From-Path: msrp://user1pc.imserver.com:2855/s8n2k4;tcp"
R_TO = "To-Path: msrp://user1pc.imserver.com:2855/s8n2k4;tcp"
R_FROM = "From-Path: msrp://user2pc.imserver.com:2855/t93ks0;tcp"
C_TEXT = "Are you there, user2?"
c_send = msrp("a786hjs2", "SEND", [C_TO, C_FROM, "Message-ID: 87652491", "Success-Report: yes"],
              C_TEXT, "text/plain", "$", "auto")
c_ok = msrp("a786hjs2", "200 OK", [R_TO, R_FROM])
n = len(b(C_TEXT))
c_report = msrp("dkei38ia", "REPORT", [R_TO, R_FROM, "Message-ID: 87652491",
                                       f"Byte-Range: 1-{n}/{n}", "Status: 000 200 OK"])
write("mixed-capture.txt", reg + reg_ok + KA + pager + KA + compact + KA + c_send + c_ok + KA + c_report)
