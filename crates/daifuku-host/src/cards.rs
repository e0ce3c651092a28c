//! 名刺取り込み on the host: reading a card runs Tesseract (child processes,
//! a second or so) without the UI's connection; only the duplicate lookup
//! and the save take it, briefly. Batches run on `daifuku_cards::batch`'s
//! own threads.

use daifuku::error::{ApiError, Result};

use crate::request::CardScanned;
use crate::{Answer, Host, HostCommand, HostResponse};

impl Host {
    pub(crate) fn card_command(&self, cmd: HostCommand, now_ms: i64, tz_offset_min: i32) -> Result<Answer> {
        Ok(match cmd {
            HostCommand::CardScan { file } => {
                let bytes = file.bytes()?;
                let scan = daifuku_cards::scan_bytes(&bytes, &self.ocr, true)?;
                let fields = scan.fields.iter().map(|f| (f.name, f.value.clone())).collect();
                let offers = daifuku_cards::save::offers(&*self.store()?, &fields)?;
                HostResponse::CardScanned(CardScanned { scan, offers }).into()
            }
            HostCommand::CardOffers { fields } => {
                HostResponse::CardOffers(daifuku_cards::save::offers(&*self.store()?, &fields)?).into()
            }
            HostCommand::CardSave { card } => {
                let saved =
                    self.on_ui_connection(now_ms, tz_offset_min, |store, ctx| daifuku_cards::save(store, ctx, &card))?;
                HostResponse::CardSaved(saved).into()
            }
            HostCommand::CardBatchStart { files } => {
                HostResponse::CardJob(self.card_jobs.start(files, self.ocr.clone())?).into()
            }
            HostCommand::CardBatchProgress { job, since } => {
                HostResponse::CardJob(self.card_jobs.progress(&job, since)?).into()
            }
            HostCommand::CardBatchCancel { job } => HostResponse::CardJob(self.card_jobs.cancel(&job)?).into(),
            _ => return Err(ApiError::new("internal", "not a card command")),
        })
    }

    /// Waits for a card batch to finish (tests).
    #[doc(hidden)]
    pub fn wait_card_batch(&self, job: &str) -> Result<daifuku_cards::batch::CardJobStatus> {
        self.card_jobs.wait(job)
    }
}
