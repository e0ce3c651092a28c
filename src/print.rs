//! `daifuku print company ID | report ACTIVITY_ID | labels [--layout 12|24] --out FILE.pdf`:
//! the printed forms as A4 PDFs (through the host's `print`, as the app does).

use clap::{Arg, ArgAction, ArgMatches, Command};
use daifuku::export::mailing::MailingOptions;
use daifuku::{ApiError, Store};
use daifuku_host::HostCommand;
use daifuku_print::{LabelLayout, LabelOptions};

use crate::{now_ctx, Output};

fn out_arg() -> Arg {
    Arg::new("out").long("out").short('o').required(true).value_name("FILE.pdf").help("Where to write the PDF")
}

pub fn command() -> Command {
    Command::new("print")
        .about("Print a form as an A4 PDF: 顧客カード, 情報報告書 or 宛名ラベル (font: DAIFUKU_PRINT_FONT or a system Japanese font)")
        .subcommand_required(true)
        .subcommand(
            Command::new("company")
                .about("顧客カード: a company's profile, contacts, purchases, open deals and recent activities")
                .arg(Arg::new("id").required(true).value_name("ID"))
                .arg(out_arg()),
        )
        .subcommand(
            Command::new("report")
                .about("情報報告書: an activity as the information report form")
                .arg(Arg::new("id").required(true).value_name("ACTIVITY_ID"))
                .arg(out_arg()),
        )
        .subcommand(
            Command::new("labels")
                .about("宛名ラベル: the mailing list on A4 label sheets (12面 86.4×42.3 mm or 24面 66.0×33.9 mm)")
                .arg(Arg::new("layout").long("layout").default_value("12").value_parser(["12", "24"]))
                .arg(
                    Arg::new("companies-without-contacts")
                        .long("companies-without-contacts")
                        .action(ArgAction::SetTrue)
                        .help("Also a label (御中) for every company that has no contact"),
                )
                .arg(
                    Arg::new("exclude-bought-within")
                        .long("exclude-bought-within")
                        .value_name("DAYS")
                        .value_parser(clap::value_parser!(u32))
                        .help("Leave out customers who bought within DAYS"),
                )
                .arg(
                    Arg::new("exclude-status")
                        .long("exclude-status")
                        .action(ArgAction::Append)
                        .value_name("STATUS")
                        .help("Leave out companies with this status (e.g. lost)"),
                )
                .arg(out_arg()),
        )
}

pub fn run(store: &mut Store, m: &ArgMatches) -> Result<Output, ApiError> {
    let (name, sub) = m.subcommand().expect("subcommand required");
    let out = sub.get_one::<String>("out").cloned();
    let cmd = match name {
        "company" => HostCommand::PrintCompany { id: sub.get_one::<String>("id").unwrap().clone(), path: out },
        "report" => HostCommand::PrintReport { id: sub.get_one::<String>("id").unwrap().clone(), path: out },
        _ => HostCommand::PrintLabels {
            options: LabelOptions {
                mailing: MailingOptions {
                    exclude_bought_within_days: sub.get_one::<u32>("exclude-bought-within").copied(),
                    exclude_status: sub.get_many::<String>("exclude-status").into_iter().flatten().cloned().collect(),
                    ..Default::default()
                },
                layout: match sub.get_one::<String>("layout").map(String::as_str) {
                    Some("24") => LabelLayout::TwentyFour,
                    _ => LabelLayout::Twelve,
                },
                companies_without_contacts: sub.get_flag("companies-without-contacts"),
            },
            path: out,
        },
    };
    let ctx = now_ctx(store)?;
    let started = std::time::Instant::now();
    let printed = daifuku_host::print(store, &ctx, cmd)?;
    let ms = started.elapsed().as_millis();
    let text = format!(
        "{}: {} page(s), {} bytes, {ms} ms",
        printed.path.as_deref().unwrap_or(&printed.name),
        printed.pages,
        printed.bytes
    );
    Ok(Output::Both(text, serde_json::to_value(&printed)?))
}
