"""A voice and SMS survey written the way Twilio's Flask tutorial ("Automated Survey") writes it.

Handlers build a VoiceResponse or MessagingResponse and `return str(resp)`, which Flask sends as
text/html. A decorator checks X-Twilio-Signature with twilio's RequestValidator, as Twilio's
"Secure your Flask app" page shows. Where the caller or texter is in the survey lives in Flask's
cookie session: for SMS, only the carrier's cookies tell the app that a text answers a question.
The survey and its answers are kept in memory (the tutorial uses SQLAlchemy). It knows nothing of
the carrier: only its auth token (TWILIO_AUTH_TOKEN) and its own URLs.

Run: TWILIO_AUTH_TOKEN=... python3 app.py — it listens on a free loopback port and prints
"listening on PORT" once it does.
"""
import os
import sys
from functools import wraps

from flask import Flask, abort, g, jsonify, request, session, url_for
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse
from werkzeug.serving import make_server

TEXT, BOOLEAN, NUMERIC = "text", "boolean", "numeric"

SURVEY = {
    "title": "Twilio Survey",
    "questions": [
        {"id": 1, "content": "Please tell us your age", "kind": NUMERIC},
        {"id": 2, "content": "Have you ever jumped from a parachute?", "kind": BOOLEAN},
        {"id": 3, "content": "Who is your favorite Pokemon?", "kind": TEXT},
    ],
}

VOICE_INSTRUCTIONS = {
    TEXT: "Please record your answer after the beep and then hit the pound sign",
    BOOLEAN: "Please press the one key for yes and the zero key for no and then hit the pound sign",
    NUMERIC: "Please press a number between 1 and 10 and then hit the pound sign",
}

SMS_INSTRUCTIONS = {
    TEXT: "Please type your answer",
    BOOLEAN: "Please type 1 for yes and 0 for no",
    NUMERIC: "Please type a number between 1 and 10",
}

app = Flask(__name__)
app.secret_key = "survey-test-secret"
answers = []
served = []


def requested_url():
    """The URL as requested. Not request.url: werkzeug before 2.3 (Debian bookworm has 2.2) decodes
    %2B to "+" in it, so a GET's query (From=%2B1415...) no longer matches what Twilio signed."""
    url = request.base_url
    if request.query_string:
        url += "?" + request.query_string.decode("latin-1")
    return url


def validate_twilio_request(f):
    """Answers 403 to a request that does not carry Twilio's signature for its URL and form."""

    @wraps(f)
    def decorated_function(*args, **kwargs):
        validator = RequestValidator(os.environ.get("TWILIO_AUTH_TOKEN"))
        request_valid = validator.validate(requested_url(), request.form, request.headers.get("X-TWILIO-SIGNATURE", ""))
        if request_valid:
            return f(*args, **kwargs)
        return abort(403)

    return decorated_function


def find_question(question_id):
    return next(q for q in SURVEY["questions"] if q["id"] == int(question_id))


def next_question(question):
    later = [q for q in SURVEY["questions"] if q["id"] > question["id"]]
    return later[0] if later else None


def is_sms_request():
    return "MessageSid" in request.values.keys()


@app.route("/voice", methods=["POST"])
@validate_twilio_request
def voice_survey():
    response = VoiceResponse()
    response.say("Welcome to the %s" % SURVEY["title"])
    redirect_to_first_question(response)
    return str(response)


@app.route("/message", methods=["POST"])
@validate_twilio_request
def sms_survey():
    response = MessagingResponse()
    if "question_id" in session:
        response.redirect(url_for("answer", question_id=session["question_id"]))
    else:
        response.message("Welcome to the %s" % SURVEY["title"])
        redirect_to_first_question(response)
    return str(response)


def redirect_to_first_question(response):
    first_question_url = url_for("question", question_id=SURVEY["questions"][0]["id"])
    response.redirect(url=first_question_url, method="GET")


@app.route("/question/<question_id>")
@validate_twilio_request
def question(question_id):
    question = find_question(question_id)
    session["question_id"] = question["id"]
    if not is_sms_request():
        return voice_twiml(question)
    return sms_twiml(question)


def voice_twiml(question):
    response = VoiceResponse()
    response.say(question["content"])
    response.say(VOICE_INSTRUCTIONS[question["kind"]])
    action_url = url_for("answer", question_id=question["id"])
    transcription_url = url_for("answer_transcription", question_id=question["id"])
    if question["kind"] == TEXT:
        response.record(action=action_url, transcribe_callback=transcription_url)
    else:
        response.gather(action=action_url)
    return str(response)


def sms_twiml(question):
    response = MessagingResponse()
    response.message(question["content"])
    response.message(SMS_INSTRUCTIONS[question["kind"]])
    return str(response)


@app.route("/answer/<question_id>", methods=["POST"])
@validate_twilio_request
def answer(question_id):
    question = find_question(question_id)
    answers.append({"question_id": question["id"], "content": extract_content(question), "session_id": session_id()})
    following = next_question(question)
    if following:
        return redirect_twiml(following["id"])
    return goodbye_twiml()


@app.route("/answer/transcription/<question_id>", methods=["POST"])
@validate_twilio_request
def answer_transcription(question_id):
    session_id = request.values["CallSid"]
    content = request.values["TranscriptionText"]
    for a in answers:
        if a["session_id"] == session_id and a["question_id"] == int(question_id):
            a["content"] = content
    return ("", 204)


def extract_content(question):
    if is_sms_request():
        return request.values["Body"]
    if question["kind"] == TEXT:
        return "Transcription in progress."
    return request.values["Digits"]


def redirect_twiml(question_id):
    response = MessagingResponse()
    response.redirect(url=url_for("question", question_id=question_id), method="GET")
    return str(response)


def goodbye_twiml():
    if is_sms_request():
        response = MessagingResponse()
        response.message("Thank you for answering our survey. Good bye!")
    else:
        response = VoiceResponse()
        response.say("Thank you for answering our survey. Good bye!")
        response.hangup()
    if "question_id" in session:
        del session["question_id"]
    return str(response)


def session_id():
    return request.values.get("MessageSid") or request.values["CallSid"]


# For the test, not the tutorial: the answers, and what the app saw of each request.
@app.route("/results")
def results():
    return jsonify({"answers": answers, "served": served})


@app.before_request
def note_session():
    g.question_in_session = session.get("question_id")


@app.after_request
def log_request(response):
    if request.path != "/results":
        served.append(
            {
                "method": request.method,
                "path": request.path,
                "sid": request.values.get("MessageSid") or request.values.get("CallSid"),
                "questionInSession": g.get("question_in_session"),
                "status": response.status_code,
                "contentType": response.content_type,
            }
        )
    return response


if __name__ == "__main__":
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print("listening on %d" % server.server_port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)
