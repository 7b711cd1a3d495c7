//! An action's links across the thread, and a plan's order and codes,
//! over HTTP against the real server on SQLite and PostgreSQL: the
//! council's template lists its partnership agendas and code pattern; an
//! editor links an action to the one it follows on from (by code), another
//! service and an agenda, and both actions' pages show the link; a code
//! found nowhere is refused with what was typed kept. The editor moves the
//! action earlier and renumbers the plan by the pattern: the codes change,
//! the links hold, and a renumbering confirmed on a stale view is refused.

use crate::util::*;
use regex::Regex;

const PASSWORD: &str = "amber falcon meadow";
const AGENDA: &str = "Health and Wellbeing Board";

fn email(role: &str) -> String {
    format!("{role}@links.goldthread.test")
}

/// The plan's actions in the order the ordering page lists them: id, code.
fn order_of(html: &str) -> Vec<(i64, String)> {
    let row = Regex::new(
        r#"<tr class="govuk-table__row" id="action-(\d+)">\s*<td[^>]*>\d+</td>\s*<td class="govuk-table__cell">([^<]*)</td>"#,
    )
    .unwrap();
    row.captures_iter(html)
        .map(|c| (c[1].parse().unwrap(), c[2].to_string()))
        .collect()
}

#[tokio::test]
async fn an_editor_links_an_action_then_moves_and_renumbers_the_plans_actions() {
    let added = Regex::new(r"^/actions/(\d+)\?").unwrap();
    let service = Regex::new(r#"id="service-(\d+)" name="services" type="checkbox" value="\d+"><label class="govuk-label govuk-checkboxes__label" for="service-\d+">([^<]+)</label>"#).unwrap();
    for (backend, database) in databases("links").await {
        let council = DemoCouncil::start(&database, &email("editor"), PASSWORD).await;
        let editor = &council.editor;

        // The template: the council's agendas and how it codes actions.
        let (_, page) = editor.get("/template").await;
        let version = hidden(&page, "version");
        let mut form = vec![
            ("version", version.as_str()),
            ("use", "priority"),
            ("level_priority", "Priority"),
            ("use", "outcome"),
            ("level_outcome", "Outcome"),
            ("fields", "description"),
            (
                "partnership_agendas",
                "Health and Wellbeing Board\nCommunity Safety Partnership",
            ),
            ("code_pattern", "QA"),
        ];
        let (status, html, _) = editor.post("/template", &form).await;
        assert_eq!(status, 400, "{backend}");
        assert!(html.contains("needs # where the number goes"), "{backend}");
        form.pop();
        form.push(("code_pattern", "QA.##"));
        assert_eq!(editor.post("/template", &form).await.0, 303, "{backend}");

        let plan = editor.api_plans().await[0]["id"].as_i64().unwrap();
        let (_, blank) = editor.get(&format!("/plans/{plan}/actions/new")).await;
        let unit = service
            .captures(&blank)
            .expect("the council's services offered");
        let (unit_id, unit_name) = (unit[1].to_string(), unit[2].to_string());
        assert!(blank.contains(&format!(r#"value="{AGENDA}""#)), "{backend}");

        let (status, _, location) = editor
            .post(
                &format!("/plans/{plan}/actions/new"),
                &[
                    ("code", "ZZ.1"),
                    ("title", "Open the hub"),
                    ("lead_officers", "Head of Housing and Health"),
                ],
            )
            .await;
        assert_eq!(status, 303, "{backend}");
        let first: i64 = added.captures(&location.unwrap()).unwrap()[1]
            .parse()
            .unwrap();

        // A code found nowhere is refused, and what was typed is kept.
        let mut second = vec![
            ("code", "ZZ.2"),
            ("title", "Run the hub"),
            ("lead_officers", "Head of Housing and Health"),
            ("follows", "ZZ.1, NOPE.9"),
            ("services", unit_id.as_str()),
            ("agendas", AGENDA),
        ];
        let (status, html, _) = editor
            .post(&format!("/plans/{plan}/actions/new"), &second)
            .await;
        assert_eq!(status, 400, "{backend}");
        assert!(
            html.contains("No action is coded NOPE.9 in this plan or the service"),
            "{backend}"
        );
        assert!(html.contains(r#"value="ZZ.1, NOPE.9""#), "{backend}: kept");
        second[3] = ("follows", "ZZ.1");
        let (status, _, location) = editor
            .post(&format!("/plans/{plan}/actions/new"), &second)
            .await;
        assert_eq!(status, 303, "{backend}");
        let follower: i64 = added.captures(&location.unwrap()).unwrap()[1]
            .parse()
            .unwrap();

        let (_, page) = editor.get(&format!("/actions/{follower}")).await;
        let links = &page[page.find(r#"id="links""#).expect("a links section")..];
        assert!(links.contains("Follows on from"), "{backend}");
        assert!(
            links.contains(&format!(r#"href="/actions/{first}">ZZ.1 Open the hub"#)),
            "{backend}"
        );
        assert!(links.contains(&unit_name), "{backend}");
        assert!(links.contains(AGENDA), "{backend}");
        let (_, page) = editor.get(&format!("/actions/{first}")).await;
        assert!(page.contains("Followed by"), "{backend}");
        assert!(
            page.contains(&format!(r#"href="/actions/{follower}">ZZ.2 Run the hub"#)),
            "{backend}"
        );
        let (_, edit) = editor.get(&format!("/actions/{follower}/edit")).await;
        assert!(edit.contains(r#"name="follows" value="ZZ.1""#), "{backend}");
        assert!(
            edit.contains(&format!(r#"value="{unit_id}" checked"#)),
            "{backend}"
        );

        // The follower moves one place earlier, before the action it follows.
        let (status, page) = editor.get(&format!("/plans/{plan}/order")).await;
        assert_eq!(status, 200, "{backend}");
        let before = order_of(&page);
        let n = before.len();
        assert_eq!(
            before[n - 2..].iter().map(|a| a.0).collect::<Vec<_>>(),
            [first, follower],
            "{backend}"
        );
        let (status, _, _) = editor
            .post(&format!("/actions/{follower}/move"), &[("to", "earlier")])
            .await;
        assert_eq!(status, 303, "{backend}");
        let (_, page) = editor.get(&format!("/plans/{plan}/order")).await;
        let after = order_of(&page);
        assert_eq!(
            after[n - 2..].iter().map(|a| a.0).collect::<Vec<_>>(),
            [follower, first],
            "{backend}"
        );
        assert_eq!(
            after[..n - 2],
            before[..n - 2],
            "{backend}: the rest stay put"
        );

        // Renumbering on a stale view is refused; on the view shown, every
        // action gets the code its place gives.
        let seen = hidden(&page, "seen");
        let stale: Vec<String> = after.iter().rev().map(|a| a.0.to_string()).collect();
        let (status, html, _) = editor
            .post(
                &format!("/plans/{plan}/renumber"),
                &[("seen", &stale.join(","))],
            )
            .await;
        assert_eq!(status, 409, "{backend}");
        assert!(html.contains("changed since you looked"), "{backend}");
        assert_eq!(
            order_of(&editor.get(&format!("/plans/{plan}/order")).await.1),
            after,
            "{backend}: nothing written"
        );
        let (status, _, location) = editor
            .post(&format!("/plans/{plan}/renumber"), &[("seen", &seen)])
            .await;
        assert_eq!(status, 303, "{backend}");
        assert!(location.unwrap().contains("done="), "{backend}");
        let (_, page) = editor.get(&format!("/plans/{plan}/order")).await;
        let renumbered = order_of(&page);
        let codes: Vec<String> = renumbered.iter().map(|a| a.1.clone()).collect();
        let expected: Vec<String> = (1..=n).map(|i| format!("QA.{i:02}")).collect();
        assert_eq!(codes, expected, "{backend}");
        assert!(page.contains(r#"id="numbered""#), "{backend}");
        let (_, page) = editor.get(&format!("/actions/{first}")).await;
        assert!(
            page.contains(&format!(
                r#"href="/actions/{follower}">QA.{:02} Run the hub"#,
                n - 1
            )),
            "{backend}: the link holds under the new codes"
        );
    }
}
