"""The tables. Schema changes go through the migrations in elearning/storage/migrations/.

Analytics (a later issue) aggregate `attempt` and `event` with plain SQL, so the columns
they group by (course, version, module, scene, type, choice, points) are denormalised
onto the rows instead of hidden in JSON.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Role(StrEnum):
    LEARNER = "learner"
    AUTHOR = "author"
    ADMIN = "admin"


class User(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)  # stored lower-case
    name = fields.CharField(max_length=200)  # as it should appear on a certificate
    password_hash = fields.CharField(max_length=255)
    registration_number = fields.CharField(max_length=32, null=True)
    role = fields.CharField(max_length=16, default=Role.LEARNER.value)
    # Counts password changes (which end the account's sessions: see UserSession).
    auth_epoch = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "user_account"


class CourseSnapshot(Model):
    hash = fields.CharField(max_length=80, primary_key=True)
    course_id = fields.CharField(max_length=64)
    version = fields.CharField(max_length=64)
    compiled = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "course_snapshot"


class Attempt(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "storage.User", related_name="attempts", null=True, on_delete=fields.SET_NULL
    )
    guest_key = fields.CharField(max_length=64, null=True, db_index=True)
    course_id = fields.CharField(max_length=64)
    course_hash = fields.CharField(max_length=80)
    state = fields.TextField()
    step = fields.IntField(default=0)
    last_seq = fields.IntField(default=0)  # seq of the newest event of this attempt
    module = fields.CharField(max_length=64)
    scene = fields.CharField(max_length=64)
    started_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)
    passed = fields.BooleanField(null=True)
    score = fields.IntField(null=True)
    max_score = fields.IntField(null=True)

    class Meta:
        table = "attempt"
        indexes = (("user_id", "course_id", "updated_at"), ("course_hash", "finished_at"))


class Event(Model):
    """One learner action, append-only."""

    id = fields.BigIntField(primary_key=True)
    attempt: fields.ForeignKeyRelation[Attempt] = fields.ForeignKeyField(
        "storage.Attempt", related_name="events", on_delete=fields.CASCADE
    )
    course_hash = fields.CharField(max_length=80)
    seq = fields.IntField()
    type = fields.CharField(max_length=32)
    module = fields.CharField(max_length=64)
    scene = fields.CharField(max_length=64, null=True)
    choice = fields.CharField(max_length=200, null=True)
    points = fields.IntField(null=True)
    correct = fields.BooleanField(null=True)
    entry = fields.CharField(max_length=64, null=True)
    payload = fields.TextField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "event"
        unique_together = (("attempt_id", "seq"),)
        # The analytics read the partial indexes of migration 0004 (raw SQL, so not listed here).


class UserSession(Model):
    """A signed-in browser, and whether its session still counts.

    The cookie carries a random key (stored here only as a hash). Logout, a password change or
    reset and "sign out everywhere" end a session, and it ends by itself after an idle time and
    a maximum lifetime (settings).
    """

    id = fields.BigIntField(primary_key=True)
    key_hash = fields.CharField(max_length=64, unique=True)  # sha256 of the cookie's key, never the key
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "storage.User", related_name="sessions", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField()
    last_seen_at = fields.DatetimeField()
    ended_at = fields.DatetimeField(null=True)
    device = fields.CharField(max_length=80, default="")  # "Firefox, Windows": what the owner recognises

    class Meta:
        table = "user_session"
        indexes = (("user_id", "ended_at"),)


class ThrottleHit(Model):
    """One counted try (a failed login, a reset request) under a bucket such as 'login-ip:1.2.3.4'."""

    id = fields.BigIntField(primary_key=True)
    bucket = fields.CharField(max_length=128)
    created_at = fields.DatetimeField()

    class Meta:
        table = "throttle_hit"
        indexes = (("bucket", "created_at"),)


class PasswordReset(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "storage.User", related_name="password_resets", on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)  # sha256 of the emailed token
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "password_reset"


class EmailConfirmation(Model):
    """A link mailed to prove an address: a new account (purpose 'register') or a new address
    for an existing account ('change'). The account or the change exists only once the link
    is used, so the register and profile forms never reveal whether an address is taken."""

    id = fields.IntField(primary_key=True)
    purpose = fields.CharField(max_length=16)  # register | change
    token_hash = fields.CharField(max_length=64, unique=True)  # sha256 of the mailed token
    email = fields.CharField(max_length=254)  # the address to prove, lower-case
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "storage.User", related_name="email_confirmations", null=True, on_delete=fields.CASCADE
    )  # 'change' only
    name = fields.CharField(max_length=200, null=True)  # 'register' only, like password_hash
    password_hash = fields.CharField(max_length=255, null=True)
    registration_number = fields.CharField(max_length=32, null=True)
    guest_key = fields.CharField(max_length=64, null=True)  # guest progress to adopt
    next_url = fields.CharField(max_length=300, default="/")
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "email_confirmation"


class Certificate(Model):
    """An issued certificate: a frozen snapshot of what it certifies (`data`) and its PDF once rendered.

    `revision` is 1 for the certificate an attempt earned and counts up with each re-issue;
    (attempt, revision) is unique, so a double submit or a double re-issue makes one row.
    """

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=14, unique=True)  # printed form, e.g. 7KQ2-M4XD-9RTG
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "storage.User", related_name="certificates", on_delete=fields.CASCADE
    )
    attempt: fields.ForeignKeyRelation[Attempt] = fields.ForeignKeyField(
        "storage.Attempt", related_name="certificates", on_delete=fields.CASCADE
    )
    revision = fields.IntField(default=1)
    course_id = fields.CharField(max_length=64)
    course_hash = fields.CharField(max_length=80)
    template = fields.CharField(max_length=64)
    completed_on = fields.DateField()
    status = fields.CharField(max_length=16, default="valid")  # valid | superseded | revoked
    superseded_by: fields.ForeignKeyNullableRelation[Certificate] = fields.ForeignKeyField(
        "storage.Certificate", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    revoked_reason = fields.TextField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    issued_at = fields.DatetimeField()
    data = fields.TextField()  # CertificateData.to_json()
    pdf = fields.BinaryField(null=True)

    class Meta:
        table = "certificate"
        unique_together = (("attempt_id", "revision"),)
        indexes = (("course_id", "completed_on"), ("user_id", "issued_at"))


class PeRegistration(Model):
    """One certificate's attendance in PE-online's register: the outbox of the push.

    `status` is pending (to send at `next_try_at`), sending (claimed by a worker as batch
    `batch_id` until `next_try_at`; a crashed worker's rows are sent again after that),
    accepted, rejected (with the register's reason), or needs_followup (registered, but the
    certificate was revoked or changed since: an administrator corrects PE-online by hand).
    The person, activity and date are copied from the certificate: they are what was sent.
    """

    id = fields.IntField(primary_key=True)
    certificate: fields.ForeignKeyRelation[Certificate] = fields.OneToOneField(
        "storage.Certificate", related_name="pe_registration", on_delete=fields.CASCADE
    )
    status = fields.CharField(max_length=16, default="pending")
    registration_number = fields.CharField(max_length=32)
    activity_id = fields.CharField(max_length=300)
    completed_on = fields.DateField()
    attempts = fields.IntField(default=0)
    next_try_at = fields.DatetimeField()
    last_error = fields.TextField(null=True)
    register_reason = fields.TextField(null=True)
    accepted_at = fields.DatetimeField(null=True)
    batch_id = fields.CharField(max_length=32, null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "pe_registration"
        indexes = (("status", "next_try_at"),)


class AuditEntry(Model):
    """One thing an administrator did (or a command run by an operator): who, when, what, to what.

    Written once and never changed; only the retention clean-up removes entries, after
    RETENTION_AUDIT_DAYS. Administrators read them on /admin/audit.
    """

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField()
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "storage.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    actor_label = fields.CharField(max_length=254)  # the administrator's address then, or "command line"
    action = fields.CharField(max_length=32)  # revoke | export | role | pe-online-retry | ...
    subject = fields.CharField(max_length=200)  # what it was done to: a certificate code, an account, a course
    detail = fields.TextField(default="")

    class Meta:
        table = "audit_entry"
        indexes = (("at",),)


class CourseEvaluation(Model):
    """One learner's answers to the optional evaluation after passing a course.

    Deliberately without a link to the learner: no user, no attempt, no timestamp (a time to
    the second could be matched with the attempt's events), only the course, its version and
    the month. The key is random, so the order of the rows tells nothing either.
    """

    id = fields.CharField(max_length=32, primary_key=True)
    course_id = fields.CharField(max_length=64)
    course_hash = fields.CharField(max_length=80)  # the version of the course (a content hash)
    month = fields.CharField(max_length=7)  # yyyy-mm
    useful = fields.SmallIntField(null=True)  # 1..5, or no answer
    clear = fields.SmallIntField(null=True)
    study_time = fields.SmallIntField(null=True)
    recommend = fields.SmallIntField(null=True)
    comment = fields.TextField(default="")

    class Meta:
        table = "course_evaluation"
        indexes = (("course_id", "month"),)


class Accreditation(Model):
    """A register's accreditation of a course, as the provider's administrator entered it.

    The register gives an activity id, the points and a period; a certificate carries points
    only when an accreditation of its course and register covers its completion date and its
    course version. `versions` lists the course versions (`version:` in course.yaml) it covers,
    as JSON; empty: every version whose declared study load and points match these.
    """

    id = fields.IntField(primary_key=True)
    course_id = fields.CharField(max_length=64)
    register_name = fields.CharField(max_length=100)
    activity_id = fields.CharField(max_length=100)
    points = fields.FloatField()
    study_load_minutes = fields.IntField()
    valid_from = fields.DateField()
    valid_until = fields.DateField()
    versions = fields.TextField(default="")
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "accreditation"
        unique_together = (("course_id", "register_name", "activity_id"),)
        indexes = (("course_id", "valid_from"),)


class CredentialKey(Model):
    """An Ed25519 key the site signs its certificates' credentials with (storage/credential_keys.py).

    The newest key without `retired_at` signs; retired keys stay, so that did.json keeps listing
    them and certificates signed before a rotation keep verifying. The private key is stored
    encrypted with a key derived from SECRET_KEY, so every process on every machine signs with
    the same key and a database backup alone does not give it away.
    """

    id = fields.IntField(primary_key=True)
    public_key = fields.CharField(max_length=64, unique=True)  # Multikey, 'z6Mk...'
    private_key = fields.TextField()  # encrypted (AES-GCM), see credential_keys.py
    created_at = fields.DatetimeField()
    retired_at = fields.DatetimeField(null=True)

    class Meta:
        table = "credential_key"


class CertificateCredential(Model):
    """The signed Open Badges credential of a certificate: made once (with the PDF), then kept, so
    the JSON offered for download is the one embedded in the PDF."""

    id = fields.IntField(primary_key=True)
    certificate: fields.OneToOneRelation[Certificate] = fields.OneToOneField(
        "storage.Certificate", related_name="credential", on_delete=fields.CASCADE
    )
    credential = fields.TextField()  # the signed JSON
    created_at = fields.DatetimeField()

    class Meta:
        table = "certificate_credential"


class OpenAnswer(Model):
    """What a learner wrote on an open scene of an attempt: plain text, exactly as typed.

    `status`: draft (saved, not handed in), submitted (handed in; with `review`, waiting for a
    reviewer), returned (a reviewer sent it back with `comment`; the learner may revise it and
    hand it in again) or approved. Erasure and retention blank `text` and `comment`.
    """

    id = fields.IntField(primary_key=True)
    attempt: fields.ForeignKeyRelation[Attempt] = fields.ForeignKeyField(
        "storage.Attempt", related_name="open_answers", on_delete=fields.CASCADE
    )
    course_id = fields.CharField(max_length=64)
    scene = fields.CharField(max_length=64)
    text = fields.TextField()
    status = fields.CharField(max_length=16, default="draft")
    review = fields.BooleanField(default=False)  # the scene asks for a reviewer's approval
    comment = fields.TextField(default="")  # the reviewer's, when returned (or approved with a word)
    reviewer: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "storage.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    submitted_at = fields.DatetimeField(null=True)
    reviewed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "open_answer"
        unique_together = (("attempt_id", "scene"),)
        indexes = (("course_id", "status"),)


class CourseReviewer(Model):
    """An account that reviews the open answers handed in for review in one course."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "storage.User", related_name="review_courses", on_delete=fields.CASCADE
    )
    course_id = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()

    class Meta:
        table = "course_reviewer"
        unique_together = (("user_id", "course_id"),)
