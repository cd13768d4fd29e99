{% load static %}<?xml version="1.0" encoding="utf-8"?>
{# Turns an Atom feed of this site into a readable page when a browser opens it. No script: #}
{# the feed's own text is copied as text (its summaries, which are HTML, are left out). #}
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" indent="yes" doctype-system="about:legacy-compat"/>
  <xsl:template match="/atom:feed">
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="atom:title"/> (Atom feed)</title>
        <link rel="stylesheet" href="{% static 'css/site.css' %}"/>
        <link rel="icon" href="{% static 'favicon.svg' %}" type="image/svg+xml"/>
      </head>
      <body>
        <header class="site-header">
          <div class="wrap"><a class="brand" href="{% url 'home' %}">Surveillance Export Tracker</a></div>
        </header>
        <main id="main" class="wrap feed-preview">
          <h1><xsl:value-of select="atom:title"/></h1>
          <p class="lede"><xsl:value-of select="atom:subtitle"/></p>
          <div class="notice" role="note">
            <p><strong>This is an Atom feed, for a feed reader.</strong> Copy this page's address into your feed reader to follow new entries as they are published on this site. To browse the entries here, see <a href="{atom:link[@rel='alternate']/@href}">the same entries on the site</a>.</p>
          </div>
          <h2>Latest entries, newest first</h2>
          <p class="muted">Dated by when each entry was first published on this site; the sources' own dates are on each entry's page.</p>
          <ol class="feed-entries">
            <xsl:for-each select="atom:entry">
              <li>
                <a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a>
                <br/>
                <span class="muted">First published on this site <time datetime="{atom:published}"><xsl:value-of select="substring(atom:published, 1, 10)"/></time>
                <xsl:if test="atom:category"> · <xsl:for-each select="atom:category"><xsl:value-of select="@term"/><xsl:if test="position() != last()">, </xsl:if></xsl:for-each></xsl:if></span>
              </li>
            </xsl:for-each>
          </ol>
          <xsl:if test="not(atom:entry)"><p class="empty">No entry in this feed yet.</p></xsl:if>
        </main>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
