import { bad, isObj, isStr, type Obj, validateMedia } from './validate-whatsapp-content.ts';

// Interactive messages (reply buttons, lists, CTA URL), with the limits validate-whatsapp.ts lists.

export function validateInteractive(interactive: Obj): void {
  const kind = interactive.type;
  const known = ['button', 'list', 'cta_url', 'product', 'product_list', 'flow', 'location_request_message'];
  if (!isStr(kind) || !known.includes(kind)) {
    throw bad(
      `Param interactive['type'] must be one of {BUTTON, CTA_URL, FLOW, LIST, LOCATION_REQUEST_MESSAGE, PRODUCT, PRODUCT_LIST} - got "${String(kind)}".`,
    );
  }
  const action = interactive.action;
  if (!isObj(action)) throw bad("Param interactive['action'] is required.");
  if (kind === 'button' || kind === 'list' || kind === 'cta_url') {
    const body = interactive.body;
    if (!isObj(body) || !isStr(body.text) || body.text === '')
      throw bad("Param interactive['body']['text'] is required.");
    if (body.text.length > 1024)
      throw bad("Param interactive['body']['text'] must be at most 1024 characters long.");
  }
  if (interactive.footer !== undefined) {
    const footer = interactive.footer;
    if (!isObj(footer) || !isStr(footer.text) || footer.text.length > 60) {
      throw bad("Param interactive['footer']['text'] must be a string of at most 60 characters.");
    }
  }
  if (interactive.header !== undefined) validateHeader(interactive.header);
  if (kind === 'button') validateButtons(action);
  else if (kind === 'list') validateList(action);
  else if (kind === 'cta_url') validateCtaUrl(action);
}

function validateHeader(header: unknown): void {
  if (!isObj(header) || !isStr(header.type)) throw bad("Param interactive['header']['type'] is required.");
  if (header.type === 'text') {
    if (!isStr(header.text) || header.text === '' || header.text.length > 60) {
      throw bad("Param interactive['header']['text'] must be 1 to 60 characters long.");
    }
  } else if (['image', 'video', 'document'].includes(header.type)) {
    const media = header[header.type];
    if (!isObj(media)) throw bad(`Param interactive['header']['${header.type}'] is required.`);
    validateMedia(header.type, media);
  } else {
    throw bad(`Param interactive['header']['type'] must be one of {DOCUMENT, IMAGE, TEXT, VIDEO}.`);
  }
}

function validateButtons(action: Obj): void {
  const buttons = action.buttons;
  if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3) {
    throw bad("Param interactive['action']['buttons'] must contain 1 to 3 buttons.");
  }
  const ids = new Set<string>();
  const titles = new Set<string>();
  buttons.forEach((b, i) => {
    const where = `interactive['action']['buttons'][${i}]`;
    if (!isObj(b) || b.type !== 'reply' || !isObj(b.reply))
      throw bad(`Param ${where} must be {type: "reply", reply}.`);
    const { id, title } = b.reply;
    if (!isStr(id) || id === '' || id.length > 256)
      throw bad(`Param ${where}['reply']['id'] must be 1 to 256 characters long.`);
    if (!isStr(title) || title === '' || title.length > 20) {
      throw bad(`Param ${where}['reply']['title'] must be 1 to 20 characters long.`);
    }
    if (ids.has(id) || titles.has(title)) throw bad('Buttons must have unique ids and titles.');
    ids.add(id);
    titles.add(title);
  });
}

function validateList(action: Obj): void {
  if (!isStr(action.button) || action.button === '' || action.button.length > 20) {
    throw bad("Param interactive['action']['button'] must be 1 to 20 characters long.");
  }
  const sections = action.sections;
  if (!Array.isArray(sections) || sections.length < 1 || sections.length > 10) {
    throw bad("Param interactive['action']['sections'] must contain 1 to 10 sections.");
  }
  let rows = 0;
  sections.forEach((s, i) => {
    const where = `interactive['action']['sections'][${i}]`;
    if (!isObj(s) || !Array.isArray(s.rows) || s.rows.length === 0)
      throw bad(`Param ${where}['rows'] is required.`);
    if (sections.length > 1 && (!isStr(s.title) || s.title === '')) {
      throw bad(`Param ${where}['title'] is required when there is more than one section.`);
    }
    if (s.title !== undefined && (!isStr(s.title) || s.title.length > 24)) {
      throw bad(`Param ${where}['title'] must be at most 24 characters long.`);
    }
    s.rows.forEach((r: unknown, j: number) => {
      const rw = `${where}['rows'][${j}]`;
      if (!isObj(r)) throw bad(`Param ${rw} must be an object.`);
      if (!isStr(r.id) || r.id === '' || r.id.length > 200)
        throw bad(`Param ${rw}['id'] must be 1 to 200 characters long.`);
      if (!isStr(r.title) || r.title === '' || r.title.length > 24) {
        throw bad(`Param ${rw}['title'] must be 1 to 24 characters long.`);
      }
      if (r.description !== undefined && (!isStr(r.description) || r.description.length > 72)) {
        throw bad(`Param ${rw}['description'] must be at most 72 characters long.`);
      }
    });
    rows += s.rows.length;
  });
  if (rows > 10) throw bad('A list message can have at most 10 rows in total.');
}

function validateCtaUrl(action: Obj): void {
  if (action.name !== 'cta_url') throw bad(`Param interactive['action']['name'] must be "cta_url".`);
  const p = action.parameters;
  if (!isObj(p)) throw bad("Param interactive['action']['parameters'] is required.");
  if (!isStr(p.display_text) || p.display_text === '' || p.display_text.length > 20) {
    throw bad("Param interactive['action']['parameters']['display_text'] must be 1 to 20 characters long.");
  }
  if (!isStr(p.url) || !/^https?:\/\/\S+$/.test(p.url)) {
    throw bad("Param interactive['action']['parameters']['url'] must be a valid http(s) URL.");
  }
}
