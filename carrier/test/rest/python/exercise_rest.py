"""Drives the carrier's REST API with the official twilio-python client, as an app would.

Usage: exercise_rest.py BASE_URL ACCOUNT_SID AUTH_TOKEN. Prints one JSON object of what it saw; the
Node test (carrier/test/rest/python-client.test.ts) checks it. The client has no base-URL option, so
its HTTP client rewrites https://api.twilio.com onto the carrier, as docs/carrier.md shows.
"""
import json
import sys
import time

from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

TWILIO_API = "https://api.twilio.com"


class CarrierHttpClient(TwilioHttpClient):
    def __init__(self, base_url, **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        if url.startswith(TWILIO_API):
            url = self.base_url + url[len(TWILIO_API):]
        return super().request(method, url, *args, **kwargs)


def main(base_url, account_sid, auth_token):
    client = Client(account_sid, auth_token, http_client=CarrierHttpClient(base_url))
    seen = {}

    available = client.available_phone_numbers("US").local.list(area_code=212, limit=2)
    seen["available"] = [n.phone_number for n in available]
    number = client.incoming_phone_numbers.create(phone_number=available[0].phone_number, friendly_name="Python line")
    seen["number"] = {"sid": number.sid, "phone_number": number.phone_number, "friendly_name": number.friendly_name}

    app = client.applications.create(friendly_name="Python IVR", voice_url="https://app.example/voice", sms_url="https://app.example/sms")
    app = client.applications(app.sid).update(voice_method="GET")
    seen["application"] = {"sid": app.sid, "voice_url": app.voice_url, "voice_method": app.voice_method, "sms_url": app.sms_url}
    seen["applications"] = [a.sid for a in client.applications.list()]
    number = client.incoming_phone_numbers(number.sid).update(voice_application_sid=app.sid, sms_application_sid=app.sid)
    seen["number_applications"] = [number.voice_application_sid, number.sms_application_sid]
    seen["numbers"] = [n.phone_number for n in client.incoming_phone_numbers.list()]

    call = client.calls.create(to="+14155550199", from_=number.phone_number, twiml="<Response><Say>Hello</Say></Response>")
    seen["call"] = {"sid": call.sid, "status": call.status, "to": call.to, "from": call.from_}
    seen["calls"] = [c.sid for c in client.calls.list(limit=20)]

    message = client.messages.create(to="+14155550199", from_=number.phone_number, body="Hello from Python")
    seen["message"] = {"sid": message.sid, "status": message.status, "body": message.body}

    validation = client.validation_requests.create(phone_number="+14155550142", friendly_name="Mobile")
    seen["validation"] = {"phone_number": validation.phone_number, "code": validation.validation_code}
    seen["caller_ids"] = [c.phone_number for c in client.outgoing_caller_ids.list()]

    queue = client.queues.create(friendly_name="python-support", max_size=50)
    queue = client.queues(queue.sid).update(max_size=100)
    seen["queue"] = {"sid": queue.sid, "friendly_name": queue.friendly_name, "max_size": queue.max_size, "current_size": queue.current_size}
    seen["queues"] = [q.friendly_name for q in client.queues.list()]
    seen["members"] = [m.call_sid for m in client.queues(queue.sid).members.list()]

    # A call that the answering handset (set by the test) takes into a conference.
    joined = client.calls.create(to="+14155550177", from_=number.phone_number, twiml='<Response><Dial><Conference participantLabel="caller">python-room</Conference></Dial></Response>')
    conferences = []
    for _ in range(200):  # waits for the call to join: the carrier answers on its own, in real time
        conferences = client.conferences.list(friendly_name="python-room", status="in-progress")
        if conferences:
            break
        time.sleep(0.02)
    conference = conferences[0]
    participant = client.conferences(conference.sid).participants("caller").update(muted=True)
    seen["conference"] = {"friendly_name": conference.friendly_name, "status": conference.status}
    seen["participant"] = {"call_sid": participant.call_sid, "label": participant.label, "muted": participant.muted, "joined": joined.sid}
    seen["participants"] = [p.call_sid for p in client.conferences(conference.sid).participants.list()]
    ended = client.conferences(conference.sid).update(status="completed")
    seen["ended"] = {"status": ended.status, "reason": ended.reason_conference_ended}

    try:
        client.applications("AP" + "0" * 32).fetch()
    except TwilioRestException as error:
        seen["missing"] = {"status": error.status, "code": error.code}

    print(json.dumps(seen))


if __name__ == "__main__":
    main(*sys.argv[1:4])
