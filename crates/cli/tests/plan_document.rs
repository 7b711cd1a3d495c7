//! `goldthread plan-document` and its downloads: sample plans imported,
//! written as Word and PDF, and read back as a reader would (the Word
//! XML's text, `pdftotext`), checking that every heading of the thread and
//! every action's code, title, lead officer and due date, and every
//! indicator's code, title and targets, are there in the order of the plan.

use crate::util::*;
use regex::Regex;
use serde_json::Value;

/// Imports one sample; the ids of the plans it stored.
fn import(s: &Scratch, name: &str) -> Vec<i64> {
    let run = s.run(&["import", sample(name).to_str().unwrap()]);
    assert!(run.status.success());
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    Regex::new(r"plan ids \[([\d, ]*)\]")
        .unwrap()
        .captures(&said)
        .expect("the import names the plans it stored")[1]
        .split(", ")
        .map(|id| id.parse().unwrap())
        .collect()
}

/// The stored plan as `goldthread export` gives it: the plan of record the
/// document must follow.
fn stored(s: &Scratch, id: i64) -> Value {
    let run = s.run(&["export", "--plan", &id.to_string()]);
    assert!(run.status.success());
    stdout_json(&run)["document"]["plans"][0].clone()
}

fn write(s: &Scratch, id: i64, format: &str) -> Vec<u8> {
    let out = s.path().join(format!("plan-{id}.{format}"));
    let run = s.run(&[
        "plan-document",
        "--plan",
        &id.to_string(),
        "--format",
        format,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "plan-document --format {format}");
    assert!(
        !s.path().join(format!("plan-{id}.partial")).exists(),
        "renamed into place"
    );
    std::fs::read(out).unwrap()
}

/// Text as read: every run of white space one space, so that a title
/// wrapped over lines of a table cell reads as written; and no space after
/// a hyphen or slash within a word, where a line may break ("anti-social",
/// "June/July").
fn words(text: &str) -> String {
    let spaced = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Regex::new(r"([[:alnum:]][-/]) ")
        .unwrap()
        .replace_all(&spaced, "$1")
        .into_owned()
}

/// A PDF's text in the order it was set, without what a page break adds
/// in the middle of a table (the page number, the repeated heading row).
fn pdf_words(bytes: &[u8]) -> Option<String> {
    let text = pdf_text(bytes, "-raw")?;
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let heading_row = |line: &str| {
        line.starts_with("Code Action Lead officer") || line.starts_with("Code Indicator Frequency")
    };
    let page_number = |line: &str| !line.is_empty() && line.chars().all(|c| c.is_ascii_digit());
    let mut kept = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let next = lines.get(n + 1).copied().unwrap_or("");
        let before = if n > 0 { lines[n - 1] } else { "" };
        let breaks_a_table =
            (page_number(line) && heading_row(next)) || (heading_row(line) && page_number(before));
        if !breaks_a_table {
            kept.push(*line);
        }
    }
    Some(words(&kept.join("\n")))
}

/// What the document must say, in order: each node's heading, each
/// action's code, title, lead officers and due date (and its target and
/// critical success factors where the plan gives them), each indicator's
/// code, title and targets.
struct Expected {
    headings: Vec<String>,
    actions: Vec<Vec<String>>,
    indicators: Vec<Vec<String>>,
}

fn expected(plan: &Value) -> Expected {
    let text = |v: &Value| words(v.as_str().unwrap_or(""));
    let headings = plan["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| match text(&n["label"]) {
            label if label.is_empty() => text(&n["title"]),
            label => format!("{label}: {}", text(&n["title"])),
        })
        .collect();
    let actions = plan["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let mut said = vec![text(&a["code"]), text(&a["title"])];
            said.extend(
                a["lead_officers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| text(&l["name"])),
            );
            said.push(text(&a["due"]["text"]));
            said.push(text(&a["details"]["target"]));
            said.push(text(&a["details"]["critical_success_factors"]));
            said.retain(|s| !s.is_empty());
            said
        })
        .collect();
    let indicators = plan["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let mut said = vec![text(&i["code"]), text(&i["title"])];
            said.extend(
                i["targets"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| text(&t["text"])),
            );
            said.retain(|s| !s.is_empty());
            said
        })
        .collect();
    Expected {
        headings,
        actions,
        indicators,
    }
}

/// Finds each of `items` in `text`, each after the one before; the place
/// of each item's first piece.
fn in_order(text: &str, items: &[Vec<String>], what: &str) -> Vec<usize> {
    let mut at = 0;
    let mut places = Vec::new();
    for item in items {
        let mut first = None;
        for piece in item {
            let found = text[at..].find(piece.as_str()).unwrap_or_else(|| {
                panic!(
                    "{what}: '{piece}' of {item:?} is not after the item before it; the text from there: {}",
                    &text[at..text.len().min(at + 600)]
                )
            });
            at += found;
            first.get_or_insert(at);
        }
        places.push(first.unwrap_or(at));
    }
    places
}

/// Every heading, action and indicator of `plan` is in `text` in the
/// plan's order, each action after the heading it sits under.
fn check(text: &str, plan: &Value, what: &str) {
    let want = expected(plan);
    let headings: Vec<Vec<String>> = want.headings.iter().map(|h| vec![h.clone()]).collect();
    let heading_at = in_order(text, &headings, &format!("{what}, headings"));
    let action_at = in_order(text, &want.actions, &format!("{what}, actions"));
    in_order(text, &want.indicators, &format!("{what}, indicators"));
    for (a, action) in plan["actions"].as_array().unwrap().iter().enumerate() {
        if let Some(node) = action["nodes"].as_array().unwrap().last() {
            let node = node.as_u64().unwrap() as usize;
            assert!(
                heading_at[node] < action_at[a],
                "{what}: {} is under '{}'",
                action["code"],
                want.headings[node]
            );
        }
    }
}

#[test]
fn a_plan_document_says_the_whole_plan_in_its_order_in_word_and_pdf() {
    let s = Scratch::new();
    let service = import(&s, SAMPLE_000)[0];
    let operational = import(&s, SAMPLE_001);
    let key_actions = import(&s, SAMPLE_002)[0];

    let plan = stored(&s, service);
    // The plan of record is the sample's: its actions in the sample's order.
    let sample_text = std::fs::read_to_string(sample(SAMPLE_000)).unwrap();
    let mut in_sample: Vec<String> = Vec::new();
    for code in Regex::new(r"15-CEC\d+").unwrap().find_iter(&sample_text) {
        if !in_sample.iter().any(|c| c == code.as_str()) {
            in_sample.push(code.as_str().to_string());
        }
    }
    let stored_codes: Vec<&str> = plan["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap())
        .collect();
    assert_eq!(stored_codes, in_sample);

    let docx = write(&s, service, "docx");
    let text = words(&docx_text(&docx));
    check(&text, &plan, "Word, service plan");
    for said in [
        "Communications, Engagement and Culture Service Plan 2015/16",
        "Corporate Priority: People",
        "Fair and accessible services for those who use them",
        "Critical success factors: Observing purdah.",
        "Joint action: Communications Team Leader; Engagement and Partnerships Team Leader; HR",
        "Period 2015/16",
    ] {
        assert!(text.contains(said), "the Word document says {said}");
    }
    let xml = docx_xml(&docx);
    assert!(
        xml.contains(r#"<w:pStyle w:val="Heading1" />"#)
            && xml.contains(r#"<w:pStyle w:val="Heading3" />"#)
            && xml.contains(r#"<w:pStyle w:val="Heading4" />"#),
        "the thread's levels are real headings"
    );
    assert_eq!(
        xml.matches("<w:tblHeader />").count(),
        xml.matches("<w:tbl>").count() - 1,
        "every table but the cover repeats its heading row"
    );
    assert!(
        xml.contains(r#"w:orient="landscape""#),
        "wide tables: landscape"
    );

    let pdf = write(&s, service, "pdf");
    assert!(pdf.starts_with(b"%PDF"));
    if let Some(text) = pdf_words(&pdf) {
        check(&text, &plan, "PDF, service plan");
    }

    // Indicators with a target for each year of a three-year plan.
    let partnerships = operational
        .iter()
        .copied()
        .find(|id| stored(&s, *id)["title"] == "OPERATIONAL PLAN: Partnerships Team")
        .expect("the Partnerships Team's operational plan");
    let plan = stored(&s, partnerships);
    let docx = write(&s, partnerships, "docx");
    let text = words(&docx_text(&docx));
    check(&text, &plan, "Word, operational plan");
    for said in [
        "Target 2009/10 Target 2010/11 Target 2011/12",
        "NI 4 % of people who feel they can influence decisions in their locality",
        "33.9% (2008) 34% 38% 39%",
    ] {
        assert!(text.contains(said), "the Word document says {said}");
    }
    if let Some(text) = pdf_words(&write(&s, partnerships, "pdf")) {
        check(&text, &plan, "PDF, operational plan");
    }

    // The East Herts plans: 154 key actions, indicators by code.
    let plan = stored(&s, key_actions);
    check(
        &words(&docx_text(&write(&s, key_actions, "docx"))),
        &plan,
        "Word, key actions",
    );
    if let Some(text) = pdf_words(&write(&s, key_actions, "pdf")) {
        check(&text, &plan, "PDF, key actions");
        assert!(text.contains("MEHPI 132"));
    }

    let html = String::from_utf8(write(&s, service, "html")).unwrap();
    assert!(html.contains("<h3>Corporate Priority: People</h3>") && html.contains("15-CEC08"));
}

#[test]
fn a_plan_document_is_refused_for_an_unknown_plan_or_format() {
    let s = Scratch::new();
    let id = import(&s, SAMPLE_000)[0];
    let out = s.path().join("plan.docx");
    for (plan, format, says) in [
        ("999", "docx", "there is no plan 999"),
        (
            &id.to_string() as &str,
            "xlsx",
            "'xlsx' is not a format for a plan document; choose one of docx, pdf, html",
        ),
        ("x", "docx", "--plan"),
    ] {
        let run = s.run(&[
            "plan-document",
            "--plan",
            plan,
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(!run.status.success());
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(stderr.contains(says), "{stderr}");
        assert!(!out.exists(), "nothing is written");
    }
    // Without --out, the file is named for the plan.
    let run = s.run(&[
        "plan-document",
        "--plan",
        &id.to_string(),
        "--format",
        "pdf",
    ]);
    assert!(run.status.success());
    assert!(
        s.path()
            .join("communications-engagement-and-culture-service-plan-2015-16.pdf")
            .exists()
    );
}

#[tokio::test]
async fn the_plan_document_downloads_for_readers_and_publicly_once_published() {
    let s = Scratch::new();
    let id = import(&s, SAMPLE_000)[0];
    let server = Server::start(&s, &[]);
    let admin = Browser::admin(&server).await;
    let anonymous = Browser::anonymous(&server).await;

    let (_, page) = admin.get(&format!("/plans/{id}")).await;
    for link in [
        format!("/plans/{id}/document.docx"),
        format!("/plans/{id}/document.pdf"),
    ] {
        assert!(
            page.contains(&format!("href=\"{link}\"")),
            "the plan page links {link}"
        );
    }
    for (path, content_type, starts) in [
        (
            format!("/plans/{id}/document.docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            &b"PK"[..],
        ),
        (
            format!("/plans/{id}/document.pdf"),
            "application/pdf",
            &b"%PDF"[..],
        ),
    ] {
        let response = admin.http.get(admin.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["content-type"], content_type, "{path}");
        assert!(
            response.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains("communications-engagement-and-culture-service-plan-2015-16."),
            "{path} is named for the plan"
        );
        let bytes = response.bytes().await.unwrap();
        assert!(bytes.starts_with(starts), "{path}");
        if path.ends_with(".docx") {
            assert!(docx_text(&bytes).contains("15-CEC01"));
        }
        // Anonymous: sent to sign in, and given nothing of the plan.
        let response = anonymous
            .http
            .get(anonymous.url(&path))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{path} anonymously");
        assert!(
            response.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/sign-in?next=")
        );
        assert!(!response.bytes().await.unwrap().starts_with(starts));
    }
    assert_eq!(admin.get("/plans/999/document.pdf").await.0, 404);

    // The public copy exists only once the plan is published.
    let public = format!("/public/plans/{id}/document.pdf");
    assert_eq!(anonymous.get(&public).await.0, 404);
    let (status, _, _) = admin
        .post(&format!("/plans/{id}/publish"), &[("publish", "yes")])
        .await;
    assert_eq!(status, 303);
    let (_, page) = anonymous.get(&format!("/public/plans/{id}")).await;
    assert!(page.contains(&format!("href=\"{public}\"")));
    let response = anonymous
        .http
        .get(anonymous.url(&public))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert!(response.bytes().await.unwrap().starts_with(b"%PDF"));
    let response = anonymous
        .http
        .get(anonymous.url(&format!("/public/plans/{id}/document.docx")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.unwrap().starts_with(b"PK"));
}
