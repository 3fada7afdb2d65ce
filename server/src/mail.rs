//! E-mail: the département's SMTP server and the reminder a place receives (plain French text).
//!
//! Sent with `lettre` over plain SMTP (a relay on the host or the local network, as
//! `smtp://host:port`): no TLS stack is built in; an `smtps://` address is refused with a clear error.

use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use repere_core::quality::reminders::Schedule;

use crate::reminders::Due;

/// The options of `serve` and `remind` about reminders (global: before or after the command).
#[derive(clap::Args, Debug, Clone)]
pub struct MailArgs {
    /// The SMTP server reminders are sent through, as smtp://host:port (without it, `serve`
    /// sends none and `remind` needs --dry-run).
    #[arg(long, env = "REPERE_SMTP_URL", value_name = "URL", value_parser = smtp_url, global = true)]
    pub smtp_url: Option<String>,
    /// The sender of reminders, e.g. "Département de la Vienne <repere@lavienne86.fr>".
    #[arg(long, env = "REPERE_MAIL_FROM", value_name = "ADDRESS", value_parser = mailbox, global = true)]
    pub mail_from: Option<Mailbox>,
    /// When `serve` sends reminders: first-DAY of each month (first-monday … first-sunday) or off.
    #[arg(long, env = "REPERE_REMIND_DAY", default_value = "first-wednesday", value_parser = Schedule::parse, global = true)]
    pub remind_day: Schedule,
    /// From which hour of that day (UTC, 0 to 23).
    #[arg(long, env = "REPERE_REMIND_HOUR", default_value_t = 8, value_parser = clap::value_parser!(u32).range(0..24), global = true)]
    pub remind_hour: u32,
}

fn smtp_url(value: &str) -> Result<String, String> {
    smtp_address(value).map(|_| value.to_owned())
}

fn mailbox(value: &str) -> Result<Mailbox, String> {
    value.parse().map_err(|e| format!("{value:?} is not an e-mail address like \"Repère <repere@lavienne86.fr>\": {e}"))
}

/// A connection to the SMTP server, and who reminders come from.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    pub fn new(smtp_url: &str, from: Mailbox) -> Result<Mailer, String> {
        let (host, port) = smtp_address(smtp_url)?;
        // Plain SMTP, as the relay of the host or the local network takes it (no TLS built in).
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).port(port).build();
        Ok(Mailer { transport, from })
    }

    /// Whether the SMTP server answers, before any link is renewed.
    pub async fn check(&self) -> Result<(), String> {
        match self.transport.test_connection().await {
            Ok(true) => Ok(()),
            Ok(false) => Err("SMTP: the server did not answer NOOP".to_owned()),
            Err(e) => Err(format!("SMTP: {e}")),
        }
    }

    /// Sends `place` its reminder with `link`, to all its addresses in one message.
    pub async fn send(&self, place: &Due, link: &str) -> Result<(), String> {
        let mut message = Message::builder().from(self.from.clone()).subject(SUBJECT).header(ContentType::TEXT_PLAIN);
        for address in &place.courriels {
            message = message.to(address.parse().map_err(|e| format!("address {address:?}: {e}"))?);
        }
        let message = message.body(body(place, link)).map_err(|e| e.to_string())?;
        self.transport.send(message).await.map(drop).map_err(|e| format!("SMTP: {e}"))
    }
}

/// `smtp://host[:port]` (port 25 by default) as host and port.
fn smtp_address(url: &str) -> Result<(&str, u16), String> {
    let bad = |why: &str| format!("--smtp-url {url:?}: {why} (expected smtp://host:port, plain SMTP)");
    let rest = url.strip_prefix("smtp://").ok_or_else(|| bad("not an smtp:// address"))?.trim_end_matches('/');
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) => (host, port.parse().map_err(|_| bad("the port is not a number"))?),
        None => (rest, 25),
    };
    if host.is_empty() || host.contains(['/', '@', '?']) {
        return Err(bad("no host, or a user, path or query"));
    }
    Ok((host, port))
}

pub const SUBJECT: &str = "Vos informations sur Repère sont-elles toujours justes ?";

/// The message, in short sentences (FALC): why, the link, « Rien n'a changé » is one click.
pub fn body(place: &Due, link: &str) -> String {
    let date = repere_core::date::french_date(place.checked);
    format!(
        "Bonjour,\n\n\
         Repère aide les habitants de la Vienne à trouver de l'aide au numérique.\n\
         Votre lieu y est : {nom}, à {commune}.\n\
         Ses informations datent du {date}.\n\n\
         Sont-elles toujours justes ? Ouvrez ce lien :\n{link}\n\n\
         Rien n'a changé ? Cliquez sur « Rien n'a changé ». C'est tout.\n\
         Quelque chose a changé ? Corrigez-le sur la page. Cela prend 2 minutes.\n\n\
         Ce lien est pour votre lieu seulement. Ne le partagez pas.\n\
         Il remplace les liens reçus avant : ils ne marchent plus.\n\n\
         Merci !\n\
         Le Département de la Vienne\n",
        nom = place.nom,
        commune = place.commune,
    )
}
