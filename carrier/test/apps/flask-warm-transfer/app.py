"""A warm transfer written the way Twilio's "Warm Transfer" tutorial (Flask) and Flex-style agent
desks write one: the caller waits in a conference named for the call, with hold music; the app adds
agent 1 with the Participants API; agent 1's desk then puts the caller on hold, adds agent 2, takes
the caller off hold and leaves.

Handlers `return str(resp)` (text/html). A decorator checks X-Twilio-Signature with twilio's
RequestValidator on every request from Twilio, conference status callbacks included. The REST
client reaches the API through an HTTP client that rewrites https://api.twilio.com to
TWILIO_API_BASE_URL (twilio-python has no base-URL option). It knows nothing of the carrier: only
its account, its token, its number, its agents and the API's base URL, all from the environment.

Run: TWILIO_ACCOUNT_SID=... TWILIO_AUTH_TOKEN=... TWILIO_API_BASE_URL=... TWILIO_NUMBER=...
AGENT1=client:agent1 AGENT2=client:agent2 python3 app.py — it listens on a free loopback port and
prints "listening on PORT" once it does.
"""
import os
import sys
from functools import wraps

from flask import Flask, abort, jsonify, request, url_for
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from twilio.twiml.voice_response import Dial, VoiceResponse
from werkzeug.serving import make_server

GREETING = "Thanks for calling. Please hold while we connect you to an agent."
WAIT_MUSIC = "Your call is important to us. An agent will be with you shortly."
HOLD_MUSIC = "Please stay on the line while your agent consults a colleague."
CONFERENCE_EVENTS = "start end join leave hold"


class CarrierHttpClient(TwilioHttpClient):
    def __init__(self, base_url, **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        if url.startswith("https://api.twilio.com"):
            url = self.base_url + url[len("https://api.twilio.com"):]
        return super().request(method, url, *args, **kwargs)


app = Flask(__name__)
client = Client(
    os.environ["TWILIO_ACCOUNT_SID"],
    os.environ["TWILIO_AUTH_TOKEN"],
    http_client=CarrierHttpClient(os.environ["TWILIO_API_BASE_URL"]),
)
NUMBER = os.environ["TWILIO_NUMBER"]
AGENT1 = os.environ["AGENT1"]
AGENT2 = os.environ["AGENT2"]
events = []
rejected = []


def requested_url():
    """The URL as requested. Not request.url: werkzeug before 2.3 decodes %2B to "+" in it."""
    url = request.base_url
    if request.query_string:
        url += "?" + request.query_string.decode("latin-1")
    return url


def validate_twilio_request(f):
    """Answers 403 to a request that does not carry Twilio's signature for its URL and form."""

    @wraps(f)
    def decorated_function(*args, **kwargs):
        validator = RequestValidator(os.environ.get("TWILIO_AUTH_TOKEN"))
        if validator.validate(requested_url(), request.form, request.headers.get("X-TWILIO-SIGNATURE", "")):
            return f(*args, **kwargs)
        return abort(403)

    return decorated_function


@app.route("/incoming", methods=["POST"])
@validate_twilio_request
def incoming():
    """The caller waits in a conference named for the call; agent 1 is called into it."""
    name = request.form["CallSid"]
    response = VoiceResponse()
    response.say(GREETING)
    dial = Dial()
    dial.conference(
        name,
        start_conference_on_enter=False,
        end_conference_on_exit=True,
        wait_url=url_for("wait_music"),
        participant_label="customer",
        status_callback=url_for("conference_events"),
        status_callback_event=CONFERENCE_EVENTS,
    )
    response.append(dial)
    client.conferences(name).participants.create(
        from_=NUMBER,
        to=AGENT1,
        label="agent1",
        start_conference_on_enter=True,
        end_conference_on_exit=False,
        beep="false",
        conference_status_callback=url_for("conference_events", _external=True),
        conference_status_callback_event=CONFERENCE_EVENTS.split(),
    )
    return str(response)


@app.route("/music/wait", methods=["POST"])
@validate_twilio_request
def wait_music():
    response = VoiceResponse()
    response.say(WAIT_MUSIC, loop=0)
    return str(response)


@app.route("/music/hold", methods=["GET"])
@validate_twilio_request
def hold_music():
    """HoldMethod defaults to GET (Twilio's default for a participant's HoldUrl)."""
    response = VoiceResponse()
    response.say(HOLD_MUSIC, loop=0)
    return str(response)


@app.route("/conference/events", methods=["POST"])
@validate_twilio_request
def conference_events():
    events.append(
        {
            "event": request.form.get("StatusCallbackEvent", ""),
            "sequenceNumber": int(request.form.get("SequenceNumber", "0")),
            "callSid": request.form.get("CallSid"),
            "label": request.form.get("ParticipantLabel"),
            "hold": request.form.get("Hold"),
        }
    )
    return "", 204


# The agent's desk (the agent's browser calls these). Only Participants create takes the
# conference's name; the others need its SID, as on Twilio.
def participants(name):
    conferences = client.conferences.list(friendly_name=name, status="in-progress", limit=1)
    if not conferences:
        abort(404)
    return client.conferences(conferences[0].sid).participants


@app.route("/desk/<name>/hold", methods=["POST"])
def hold(name):
    p = participants(name)("customer").update(hold=True, hold_url=url_for("hold_music", _external=True))
    return jsonify(callSid=p.call_sid, hold=p.hold)


@app.route("/desk/<name>/add-agent", methods=["POST"])
def add_agent(name):
    p = participants(name).create(
        from_=NUMBER, to=AGENT2, label="agent2", start_conference_on_enter=True, end_conference_on_exit=False, beep="false"
    )
    return jsonify(callSid=p.call_sid)


@app.route("/desk/<name>/unhold", methods=["POST"])
def unhold(name):
    p = participants(name)("customer").update(hold=False)
    return jsonify(callSid=p.call_sid, hold=p.hold)


@app.route("/desk/<name>/leave", methods=["POST"])
def leave(name):
    participants(name)("agent1").delete()
    return jsonify(left=True)


@app.route("/results")
def results():
    return jsonify(events=events, rejected=rejected)


@app.after_request
def note_rejected(response):
    if response.status_code >= 400:
        rejected.append({"path": request.path, "status": response.status_code})
    return response


if __name__ == "__main__":
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print("listening on %d" % server.server_port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)
