/** SIPp UAC scenarios for media tests (XML built here so the pcap paths can be filled in). */

const INVITE = `
  <send retrans="500">
    <![CDATA[
      INVITE sip:agent@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: agent <sip:agent@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: sip:sipp@[local_ip]:[local_port]
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0 101
      a=rtpmap:0 PCMU/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-15

    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rtd="true"/>
  <send>
    <![CDATA[
      ACK sip:agent@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: agent <sip:agent@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Contact: sip:sipp@[local_ip]:[local_port]
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>`;

const BYE = `
  <send retrans="500">
    <![CDATA[
      BYE sip:agent@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: agent <sip:agent@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Contact: sip:sipp@[local_ip]:[local_port]
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200" crlf="true"/>`;

/** INVITE, then play each pcap in turn (with its pause), then BYE. */
export function playScenario(steps: Array<{ pcap: string; pauseMs: number }>): string {
  const plays = steps
    .map(
      (s) => `
  <nop><action><exec play_pcap_audio="${s.pcap}"/></action></nop>
  <pause milliseconds="${s.pauseMs}"/>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="switchboard media">${INVITE}${plays}${BYE}
</scenario>
`;
}

/** INVITE, hold the call `ms` (run SIPp with -rtp_echo to loop our audio back), BYE. */
export function holdScenario(ms: number): string {
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="switchboard echo">${INVITE}
  <pause milliseconds="${ms}"/>${BYE}
</scenario>
`;
}
