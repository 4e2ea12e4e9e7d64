"""Following a thread: one button on its page, a plain form that htmx makes instant; threads a
member starts or replies to are followed for them unless they unfollowed by hand or said no
in their settings; nobody learns who follows what."""

from support.clients import PARTIAL, signed_in
from support.content import last_post, only_thread, reply, thread_of, thread_url
from support.following import place
from support.forms import csrf_token, reply_through_form, settings_post, share_story
from support.pages import (
    form_posting_to,
    form_values,
    html_of,
    location,
    page,
    parse,
    without_tokens,
)

from forum.database import db
from forum.models import Post


def follow_url(post: Post) -> str:
    return f"/t/{post.thread_id}/follow"


def follow_form(tree, post: Post):
    return form_posting_to(tree, follow_url(post))


def press(client, post: Post, headers: dict | None = None, on: str | None = None):
    """Press the follow button as the thread's page (or `on`) offers it."""
    tree = page(client, on or thread_url(thread_of(post)))
    form = follow_form(tree, post)
    return client.post(form.get("action"), data=form_values(form), headers=headers)


def test_a_member_follows_and_unfollows_with_a_plain_form(app, story, hazels_phone, hazel):
    url = thread_url(thread_of(story))
    form = follow_form(page(hazels_phone, url), story)
    assert form.get("method") == "post"
    assert form.get("data-hx-post") == follow_url(story)
    assert form.find("button").text == "Follow this thread"

    followed = press(hazels_phone, story)

    assert followed.status_code == 303
    assert location(followed) == f"{url}#follow-{story.thread_id}"
    assert place(hazel, story).following is True
    tree = page(hazels_phone, url)
    box = tree.by_id(f"follow-{story.thread_id}")
    assert "You follow this thread" in box.text
    assert box.find("button").text == "Unfollow this thread"
    assert any(a.get("href") == "/me" for a in box.iter("a"))

    assert press(hazels_phone, story).status_code == 303
    assert place(hazel, story).following is False
    assert follow_form(page(hazels_phone, url), story).find("button").text == "Follow this thread"


def test_with_htmx_only_the_form_comes_back_in_its_new_state(app, story, hazels_phone, hazel):
    answer = press(hazels_phone, story, headers=PARTIAL)

    assert answer.status_code == 200
    html = html_of(answer)
    assert "<html" not in html and "<main" not in html
    tree = parse(html)
    (form,) = tree.iter("form")
    button = form.find("button")
    assert button.text == "Unfollow this thread"
    # The same id in both states: htmx gives it the focus back.
    assert button.get("id") == f"follow-button-{story.thread_id}"
    assert form.get("data-hx-target") == f"#follow-{story.thread_id}"
    assert place(hazel, story).following is True


def test_a_later_page_of_a_long_thread_sends_back_to_itself(app, story, hazel, hazels_phone):
    app.config["REPLIES_PER_PAGE"] = 2
    answers = [reply(story, hazel, f"Answer {n}") for n in range(4)]
    later = f"{thread_url(thread_of(story))}?from={answers[2].id}"

    answer = press(hazels_phone, story, on=later)

    assert location(answer) == f"{later}#follow-{story.thread_id}"


def test_pressing_twice_is_the_same_choice_not_a_toggle(app, story, hazels_phone, hazel):
    """A double click, or the same button in a second tab, leaves the thread followed."""
    tree = page(hazels_phone, thread_url(thread_of(story)))
    form = follow_form(tree, story)
    for _ in range(2):
        hazels_phone.post(form.get("action"), data=form_values(form))

    assert place(hazel, story).following is True


def test_a_follow_needs_the_form(app, story, hazels_phone, hazel):
    token = csrf_token(hazels_phone, "/settings")

    assert hazels_phone.post(follow_url(story), data={"follow": "yes"}).status_code == 400
    sent = {"follow": "maybe", "csrf_token": token}
    assert hazels_phone.post(follow_url(story), data=sent).status_code == 400
    assert place(hazel, story) is None


def test_guests_are_offered_no_follow_button(client, story):
    """A guest has no CSRF token (it would need a cookie): no form, and a POST is refused."""
    tree = page(client, thread_url(thread_of(story)))

    assert tree.by_id(f"follow-{story.thread_id}") is None
    assert client.post(follow_url(story), data={"follow": "yes"}).status_code == 400


def test_nothing_tells_anyone_who_follows(app, story, hazel, sorrel, hazels_phone):
    """Another member's page of the thread is the same, word for word, whoever follows it."""
    sorrels_phone = signed_in(app, sorrel)
    url = thread_url(thread_of(story))
    before = html_of(sorrels_phone.get(url))

    press(hazels_phone, story)
    after = html_of(sorrels_phone.get(url))

    assert place(hazel, story).following is True
    assert without_tokens(after) == without_tokens(before)
    assert "follower" not in after.lower()


def test_sharing_a_story_follows_it_and_reads_it_to_its_opening_post(app, wrens_phone, wren):
    """Even when its writer never lands on its page (the take-care page may come first): the
    answers to it are new to them."""
    thread = share_story(wrens_phone)

    opening = last_post()
    assert place(wren, opening).following is True
    assert place(wren, opening).last_seen_post_id == opening.id
    assert opening.thread_id == thread.id


def test_replying_follows_the_thread(app, story, hazels_phone, hazel):
    reply_through_form(hazels_phone, story.id)

    assert place(hazel, story).following is True


def test_an_unfollow_by_hand_sticks_when_replying_again(app, story, hazels_phone, hazel):
    reply_through_form(hazels_phone, story.id)
    press(hazels_phone, story)  # unfollow
    assert place(hazel, story).following is False

    reply_through_form(hazels_phone, story.id, "One more thing.")

    assert place(hazel, story).following is False


def test_a_member_can_say_no_to_following_what_they_join(app, story, hazels_phone, hazel):
    tree = page(hazels_phone, "/settings")
    box = form_posting_to(tree, "/settings/preferences")
    assert "Follow the threads I start or reply to" in box.text
    assert (
        "checked"
        in next(i for i in box.iter("input") if i.get("name") == "follow_threads_joined").attrs
    )

    saved = settings_post(hazels_phone, "preferences", {})  # every box unticked
    assert saved.status_code == 303
    db.session.expire_all()
    assert hazel.follow_threads_joined is False

    reply_through_form(hazels_phone, story.id)
    assert place(hazel, story).following is None, "not followed, and free to follow later"
    assert only_thread().id == story.thread_id
