/** "a whatsapp", "an instagram": the article a channel name takes in a message. */
export const aChannel = (channel: string) => `${/^[aeiou]/i.test(channel) ? 'an' : 'a'} ${channel}`;
