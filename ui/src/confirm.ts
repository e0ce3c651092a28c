// Yes/no questions (「ゴミ箱に移動しますか?」). In a browser window.confirm
// answers at once. In the desktop app the dialog plugin replaces it with an
// async function that shows a native dialog and answers with a Promise; a
// caller writing `if (!window.confirm(…)) return;` would go ahead at once,
// whatever the user then chooses (a Promise is truthy). Awaiting the answer
// works for both.

export async function ask(message: string): Promise<boolean> {
  const answer: boolean | Promise<boolean> = window.confirm(message);
  return Boolean(await answer);
}
